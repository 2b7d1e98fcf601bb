//! Which `Host` a request to `serve` may name, so that other web sites cannot
//! read a developer's portals through DNS rebinding.
//!
//! A page on any site can point a name it controls at 127.0.0.1 and then fetch
//! from it as from its own origin; the only trace is the `Host` header, which
//! carries the attacker's name. So the server answers only requests for loopback
//! names (`localhost`, `*.localhost`), loopback addresses (`127.0.0.1`, `[::1]`),
//! the address it is bound to (any of the machine's addresses when bound to
//! `0.0.0.0` or `::`: an address cannot be rebound), and the names given with
//! `--allow-host`, as Vite's dev server does. A name given with a leading dot
//! (`.example.test`) allows that domain and every name under it.
//!
//! This module owns that decision ([`Hosts::access`]) and the refusal's text.
//! It does not decide what an accepted request sees: [`super::http`] does.

use std::net::IpAddr;

/// The hosts a server answers to.
#[derive(Clone, Debug)]
pub(crate) struct Hosts {
    /// The address the server is bound to.
    bound: IpAddr,
    /// Names allowed with `--allow-host`, lower case, without a port.
    allowed: Vec<String>,
}

/// How a request's host is treated, from most to least trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Access {
    /// A loopback name or address: this machine's own browser.
    Local,
    /// The bound address or a name allowed with `--allow-host`.
    Allowed,
    /// Anything else, or a missing or malformed `Host`.
    Refused,
}

impl Hosts {
    /// The hosts of a server bound to `bound`, with the names of `--allow-host`
    /// (a port given with one is ignored, as in requests).
    pub(crate) fn new(bound: IpAddr, allowed: &[String]) -> Hosts {
        Hosts {
            bound,
            allowed: allowed
                .iter()
                .filter(|name| is_allowable(name))
                .filter_map(|name| host_name(name.trim()))
                .collect(),
        }
    }

    /// How a request naming `host` (a `Host` header's value or a URI's authority)
    /// is treated.
    pub(crate) fn access(&self, host: Option<&str>) -> Access {
        let Some(name) = host.and_then(host_name) else {
            return Access::Refused;
        };
        if name == "localhost" || name.ends_with(".localhost") {
            return Access::Local;
        }
        if let Ok(ip) = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            if ip.is_loopback() {
                return Access::Local;
            }
            if ip == self.bound || self.bound.is_unspecified() {
                return Access::Allowed;
            }
        }
        let allowed = self
            .allowed
            .iter()
            .any(|entry| match entry.strip_prefix('.') {
                Some(domain) => {
                    name == domain
                        || name
                            .strip_suffix(domain)
                            .is_some_and(|sub| sub.ends_with('.'))
                }
                None => name == *entry,
            });
        if allowed {
            Access::Allowed
        } else {
            Access::Refused
        }
    }
}

/// Whether `name` can be given to `--allow-host`: a host name or address, with
/// an optional port and an optional leading dot.
pub(crate) fn is_allowable(name: &str) -> bool {
    let name = name.trim();
    let bare = name.strip_prefix('.').unwrap_or(name);
    !bare.is_empty() && !bare.starts_with('.') && host_name(bare).is_some()
}

/// The name in a `Host` value, lower case, without the port or a final dot:
/// `Example.test:8080` → `example.test`, `[::1]:1111` → `[::1]`. `None` when it
/// is not a host (an unbracketed IPv6 address, a port that is not a number,
/// characters no host name has).
fn host_name(value: &str) -> Option<String> {
    let (name, port) = if value.starts_with('[') {
        let end = value.find(']')?;
        let rest = &value[end + 1..];
        (
            &value[..=end],
            rest.strip_prefix(':').or(rest.is_empty().then_some("")),
        )
    } else {
        match value.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (value, Some("")),
        }
    };
    let port = port?;
    if !port.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b);
    if !name.bytes().all(plain) {
        return None;
    }
    let name = name.to_ascii_lowercase();
    Some(match name.strip_suffix('.') {
        Some(stripped) if !stripped.is_empty() => stripped.to_string(),
        _ => name,
    })
}

/// The body of the 403 answer to a refused host.
pub(crate) fn refusal(host: Option<&str>) -> String {
    let shown: String = host
        .unwrap_or("")
        .chars()
        .take(100)
        .filter(|c| c.is_ascii_graphic())
        .collect();
    let name = host.and_then(host_name).unwrap_or_else(|| shown.clone());
    match host {
        None => "gangway serve: this request names no host (no Host header), so it is refused.\n"
            .to_string(),
        Some(_) => format!(
            "gangway serve: refusing a request for the host `{shown}`.\n\
             This server answers only to localhost, 127.0.0.1, [::1] and its own address, so \
             that other web sites cannot read your portals through DNS rebinding.\n\
             If you reach it under this name on purpose, start it with --allow-host {name}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(bound: &str, allowed: &[&str]) -> Hosts {
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        Hosts::new(bound.parse().expect("an address"), &allowed)
    }

    #[test]
    fn loopback_names_and_addresses_are_local_with_or_without_port() {
        let h = hosts("127.0.0.1", &[]);
        for host in [
            "localhost",
            "localhost:1111",
            "LocalHost:1",
            "localhost.",
            "app.localhost",
            "a.b.localhost:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.1.2.3:9",
            "[::1]",
            "[::1]:1111",
        ] {
            assert_eq!(h.access(Some(host)), Access::Local, "{host}");
        }
    }

    #[test]
    fn other_hosts_are_refused() {
        let h = hosts("127.0.0.1", &[]);
        for host in [
            "evil.test",
            "evil.test:1111",
            "localhost.evil.test",
            "127.0.0.1.evil.test",
            "evillocalhost",
            "192.168.1.5",
            "[::2]:1111",
            "::1",
            "localhost:http",
            "localhost:1:2",
            "local host",
            "",
            ":1111",
            "[::1",
        ] {
            assert_eq!(h.access(Some(host)), Access::Refused, "{host:?}");
        }
        assert_eq!(h.access(None), Access::Refused);
    }

    #[test]
    fn the_bound_address_and_allowed_names_are_accepted() {
        let h = hosts(
            "192.168.1.5",
            &["dev.example.test", ".tunnel.test", "Box:8080"],
        );
        for host in [
            "192.168.1.5",
            "192.168.1.5:1111",
            "dev.example.test:1111",
            "DEV.example.test",
            "tunnel.test",
            "a.b.tunnel.test:443",
            "box",
        ] {
            assert_eq!(h.access(Some(host)), Access::Allowed, "{host}");
        }
        for host in [
            "192.168.1.6",
            "x.dev.example.test",
            "eviltunnel.test",
            "example.test",
        ] {
            assert_eq!(h.access(Some(host)), Access::Refused, "{host}");
        }
        // Bound to every address, any address of the machine may be used.
        let any = hosts("0.0.0.0", &[]);
        assert_eq!(any.access(Some("10.0.0.7:1111")), Access::Allowed);
        assert_eq!(any.access(Some("laptop.lan")), Access::Refused);
    }

    #[test]
    fn allow_host_takes_host_names() {
        for name in [
            "dev.example.test",
            ".example.test",
            "box:8080",
            "10.0.0.7",
            "[fe80::1]",
        ] {
            assert!(is_allowable(name), "{name}");
        }
        for name in ["", ".", "..x", "*.example.test", "a b", "x:y", "http://x/"] {
            assert!(!is_allowable(name), "{name}");
        }
    }

    #[test]
    fn the_refusal_names_the_flag_and_the_host() {
        let text = refusal(Some("Evil.test:1111"));
        assert!(text.contains("`Evil.test:1111`"), "{text}");
        assert!(text.contains("--allow-host evil.test\n"), "{text}");
    }
}
