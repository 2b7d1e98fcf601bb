use crate::harness::*;

#[test]
fn scratch() {
    let b = Site::new().build();
    eprintln!("{}", b.report());
    let f = b.ok();
    for p in f.paths() { eprintln!("{p}"); }
    eprintln!("{}", f.file("portal/acme/plan.json"));
}
