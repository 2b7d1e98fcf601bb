//! Text measures that do not depend on the reader's language: Unicode
//! normalisation (NFC), word counts (with an estimate for scripts written without
//! spaces), and the plain text of rendered HTML.

use std::sync::LazyLock;

use icu_normalizer::ComposingNormalizerBorrowed;

/// The NFC normaliser (compiled data, no allocation to build).
pub(super) const NFC: ComposingNormalizerBorrowed<'static> = ComposingNormalizerBorrowed::new_nfc();

/// `s` in Unicode Normalization Form C.
pub(crate) fn nfc(s: &str) -> String {
    if surely_nfc(s) {
        return s.to_string();
    }
    NFC.normalize(s).into_owned()
}

/// [`nfc`] of a string the caller gives up: no copy when it is already normalised.
pub(crate) fn nfc_owned(s: String) -> String {
    if surely_nfc(&s) {
        return s;
    }
    match NFC.normalize(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(normalised) => normalised,
    }
}

/// The letter a title is filed under in an index (the A–Z page): its first
/// letter without accents or vowel signs (the first character of its canonical
/// decomposition), upper-cased where the script has case; a Lao or Thai vowel
/// written before its consonant is passed over, as collation does. A title that
/// starts with no letter is filed under `#`.
pub(crate) fn index_letter(title: &str) -> String {
    const NFD: icu_normalizer::DecomposingNormalizerBorrowed<'static> =
        icu_normalizer::DecomposingNormalizerBorrowed::new_nfd();
    let decomposed = NFD.normalize(title.trim_start());
    let mut chars = decomposed.chars().peekable();
    let prefix_vowel = |c: char| matches!(c, '\u{0E40}'..='\u{0E44}' | '\u{0EC0}'..='\u{0EC4}');
    let mut first = chars.next();
    if first.is_some_and(prefix_vowel) && chars.peek().is_some_and(|c| c.is_alphabetic()) {
        first = chars.next();
    }
    match first {
        Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
        _ => "#".to_string(),
    }
}

/// Marks a code point in [`NFC_QUICK`] whose presence needs the full normaliser.
const NFC_ASK: u8 = u8::MAX;

/// For each code point of the Basic Multilingual Plane: its canonical combining class
/// when it may appear unchanged in NFC text whatever precedes it (Unicode's quick check
/// says "yes"), else [`NFC_ASK`]. Made from ICU's own decomposition data, once, and
/// only for text beyond U+02FF.
///
/// A character needs asking when it can be the second half of a composition (its
/// presence may mean that the text is not composed), when NFC replaces it (singletons,
/// compositions NFC excludes), or when it is a surrogate.
static NFC_QUICK: LazyLock<Box<[u8]>> = LazyLock::new(|| {
    use icu_normalizer::properties::{
        CanonicalCombiningClassMapBorrowed, CanonicalCompositionBorrowed,
        CanonicalDecompositionBorrowed, Decomposed,
    };
    let decompose = CanonicalDecompositionBorrowed::new();
    let compose = CanonicalCompositionBorrowed::new();
    let class = CanonicalCombiningClassMapBorrowed::new();
    let mut table = vec![0u8; 0x10000].into_boxed_slice();
    for (i, entry) in table.iter_mut().enumerate() {
        *entry = match char::from_u32(i as u32) {
            None => NFC_ASK,
            Some(c) => match decompose.decompose(c) {
                Decomposed::Default => class.get_u8(c),
                Decomposed::Expansion(a, b) if compose.compose(a, b) == Some(c) => class.get_u8(c),
                _ => NFC_ASK,
            },
        };
    }
    // Second halves of every canonical decomposition (Hangul's included), anywhere.
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        if let Decomposed::Expansion(_, second) = decompose.decompose(c)
            && let Some(entry) = table.get_mut(second as usize)
        {
            *entry = NFC_ASK;
        }
    }
    table
});

/// True when `s` is certainly in NFC, by Unicode's quick check: every character may
/// appear in NFC text as it is, and combining marks come in canonical order. False
/// means "ask the normaliser" (it also answers for text outside the BMP). Two to three
/// times as fast as the normaliser on Devanagari, Cyrillic and Lao text (which it
/// spends ~9% of a large build on); Latin text up to U+02FF never builds the table,
/// which takes ~4 ms.
fn surely_nfc(s: &str) -> bool {
    let mut table: Option<&[u8]> = None;
    let mut last_class = 0u8;
    for c in s.chars() {
        let c = c as usize;
        // Below U+0300 every character is a starter that never composes with what
        // precedes it.
        if c < 0x300 {
            last_class = 0;
            continue;
        }
        let Some(&class) = table.get_or_insert_with(|| &NFC_QUICK).get(c) else {
            return false;
        };
        if class == NFC_ASK || (class != 0 && class < last_class) {
            return false;
        }
        last_class = class;
    }
    true
}

/// The number of words in plain `text`, for reading times: words separated by
/// spaces are counted; text in scripts written without spaces is measured.
///
/// Lao, Thai, Khmer and Burmese text counts one word per 4.3 letters and marks
/// (Lao articles of the example site average 4.29 per word as ICU's dictionary
/// segmenter splits them, the benchmark's 4.54); Chinese and Japanese count one
/// word per character, as Hugo counts them. Segmenting with the dictionary took
/// an eighth of a build's time at 60,000 pages for a figure that is rounded to
/// minutes.
pub(crate) fn word_count(text: &str) -> usize {
    let mut words = 0;
    let mut counted = false;
    // Letters and marks of scripts without spaces: South-East Asian, and CJK.
    let (mut sea, mut cjk) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii() {
            if matches!(c, ' ' | '\t'..='\r') {
                counted = false;
            } else if !counted && c.is_ascii_alphanumeric() {
                counted = true;
                words += 1;
            }
        } else if let Some(script) = unspaced_script(c) {
            // Not the start of a spaced word: what follows is measured, not counted.
            counted = true;
            match script {
                Unspaced::SouthEastAsian => sea += 1,
                Unspaced::Cjk => cjk += 1,
            }
        } else if c.is_whitespace() || c == '\u{200B}' {
            counted = false;
        } else if !counted && is_alphanumeric(c) {
            counted = true;
            words += 1;
        }
    }
    words + (sea * 10).div_ceil(SEA_LETTERS_PER_WORD_TENTHS) + cjk
}

/// Letters and marks per word in Lao, Thai, Khmer and Burmese text, in tenths (4.3).
const SEA_LETTERS_PER_WORD_TENTHS: usize = 43;

/// `char::is_alphanumeric`, answered at once for the letters most words here
/// start with (Cyrillic А–я, Devanagari consonants and vowels).
fn is_alphanumeric(c: char) -> bool {
    matches!(c, '\u{0410}'..='\u{044F}' | '\u{0904}'..='\u{0939}') || c.is_alphanumeric()
}

/// Scripts written without spaces between words.
enum Unspaced {
    /// Thai, Lao, Myanmar, Khmer: letters and marks, several to a word.
    SouthEastAsian,
    /// Chinese and Japanese: about a word a character.
    Cjk,
}

/// The script of `c` if it is written without spaces between words.
fn unspaced_script(c: char) -> Option<Unspaced> {
    match c {
        '\u{0E00}'..='\u{0EFF}'   // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
            => Some(Unspaced::SouthEastAsian),
        '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3400}'..='\u{9FFF}' // CJK
        | '\u{F900}'..='\u{FAFF}' => Some(Unspaced::Cjk),
        _ => None,
    }
}

/// The text of rendered `html`: tags dropped (block-level tags leave a space so
/// words on either side stay apart), comments, `<script>` and `<style>` dropped,
/// and the character references `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` `&apos;`
/// `&nbsp;` and numeric ones (`&#8212;`, `&#x27;`) decoded. Others are kept as written.
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('&') {
            let (c, len) = char_ref(rest);
            out.push(c.unwrap_or('&'));
            rest = &rest[len..];
            continue;
        }
        // A tag, comment or declaration starts with '<' and one of these.
        let next = rest[1..].chars().next();
        if !next.is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
            out.push('<');
            rest = &rest[1..];
            continue;
        }
        if let Some(body) = rest.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |e| &body[e + 3..]);
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(name.as_str(), "script" | "style") && !tag.starts_with("</") {
            let close = format!("</{name}");
            rest = find_ascii_ci(rest, &close)
                .map_or("", |e| &rest[e..])
                .split_once('>')
                .map_or("", |(_, after)| after);
            out.push(' ');
        } else if BLOCK_TAGS.contains(&name.as_str())
            && !out.is_empty()
            && !out.ends_with([' ', '\n'])
        {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

/// Tags that separate words when rendered.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "img",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Decodes the character reference at the start of `s` (which starts with '&'):
/// the character it stands for, if known, and how many bytes it takes (1, for
/// the '&' alone, when unknown).
fn char_ref(s: &str) -> (Option<char>, usize) {
    // ';' is ASCII, so its byte offset is a char boundary.
    let Some(semi) = s.bytes().take(12).position(|b| b == b';') else {
        return (None, 1);
    };
    let name = &s[1..semi];
    let text = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => name.strip_prefix('#').and_then(|num| {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match text {
        Some(c) => (Some(c), semi + 1),
        None => (None, 1),
    }
}

/// Byte offset of the first ASCII-case-insensitive match of `needle` in `hay`.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_letters() {
        let cases = [
            ("apple", "A"),
            ("Éclair", "E"),
            ("  ökonomie", "O"),
            ("ການຕັ້ງຄ່າ", "ກ"),
            ("ເລີ່ມຕົ້ນ", "ລ"),
            ("ເ", "ເ"),
            ("किन", "क"),
            ("Әліпби", "Ә"),
            ("йогурт", "И"),
            ("2FA", "#"),
            ("", "#"),
        ];
        for (title, letter) in cases {
            assert_eq!(index_letter(title), letter, "{title}");
        }
    }

    #[test]
    fn quick_check_agrees_with_the_normaliser() {
        // Each BMP character alone and after starters it may compose with: whenever
        // the quick check says "normalised", the normaliser must agree.
        let after = [
            "", "a", "e", "\u{1100}", "\u{ac00}", "\u{915}", "\u{928}", "\u{e81}", "\u{438}",
        ];
        let mut sure = 0;
        for c in (0..0x10000).filter_map(char::from_u32) {
            for a in after {
                let s = format!("{a}{c}x");
                if surely_nfc(&s) {
                    sure += 1;
                    assert!(NFC.is_normalized(&s), "U+{:04X} after {a:?}", c as u32);
                }
            }
        }
        assert!(sure > 500_000, "{sure}");
        // What composes or reorders is never "surely" normalised.
        for s in [
            "e\u{301}",
            "\u{1100}\u{1161}",
            "\u{ac00}\u{11a8}",
            "\u{928}\u{93c}",
            "a\u{301}\u{323}",
            "\u{438}\u{306}",
            "\u{212b}",
            "\u{958}",
        ] {
            assert!(!surely_nfc(s), "{s:?}");
            assert_ne!(nfc(s), s, "{s:?}");
        }
        // Text in the seed languages is recognised as normalised without the normaliser.
        for s in [
            "Selamat datang",
            "नेपाल एक सुन्दर देश हो। कृपया आफ्नो पासवर्ड",
            "Қазақ тілі, бақылау тізімі",
            "ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້",
        ] {
            assert!(surely_nfc(s), "{s:?}");
        }
        // Outside the BMP the normaliser decides.
        assert!(!surely_nfc("\u{1d15e}"));
        assert_eq!(nfc("\u{1d15e}"), NFC.normalize("\u{1d15e}"));
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(nfc("e\u{301}"), "\u{e9}");
        assert_eq!(nfc("\u{e9}"), nfc("e\u{301}"));
        assert_eq!(nfc("क्ष"), "क्ष");
    }

    #[test]
    fn word_counts() {
        assert_eq!(word_count("Hello, world! It's 2026 — time to onboard."), 7);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  …  — "), 0);
        // Nepali, including words ending in a vowel sign or virama (icu4x#8321).
        assert_eq!(word_count("नेपाल एक सुन्दर देश हो।"), 5);
        assert_eq!(word_count("कृपया आफ्नो पासवर्ड परिवर्तन गर्नुहोस्।"), 5);
        assert_eq!(word_count("२०२६ मा सुरु गरे"), 4);
        // Lao has no spaces between words.
        let lao = "ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້";
        assert_eq!(word_count(lao), 5);
        assert!(word_count(lao) < lao.chars().count());
        assert!(word_count("ຂ້ອຍຮັກພາສາລາວ ແລະ ຂ້ອຍຢາກຮຽນ.") >= 5);
        // Chinese and Japanese: a word a character, as Hugo counts them.
        assert_eq!(word_count("欢迎使用 gangway"), 5);
    }

    /// The measured count of Lao text stays within 10% of what ICU's dictionary
    /// segmenter finds, on every Lao article and FAQ entry of the example site
    /// together and on each long one (reading times are rounded to minutes).
    #[test]
    fn lao_word_estimate_is_close_to_the_dictionary_count() {
        use icu_segmenter::WordSegmenter;
        use icu_segmenter::options::WordBreakInvariantOptions;
        let words = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
        let dictionary = |t: &str| {
            let breaks: Vec<usize> = words.segment_str(t).collect();
            breaks
                .windows(2)
                .filter(|w| t[w[0]..w[1]].chars().any(char::is_alphanumeric))
                .count()
        };
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
        let (mut estimated, mut segmented, mut files) = (0, 0, 0);
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.expect("content/ is readable");
            if !entry.file_name().to_string_lossy().ends_with(".lo.md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("a Lao page");
            let (e, d) = (word_count(&text), dictionary(&text));
            if d >= 300 {
                let ratio = e as f64 / d as f64;
                assert!(
                    (0.9..=1.1).contains(&ratio),
                    "{}: {e} vs {d}",
                    entry.path().display()
                );
            }
            estimated += e;
            segmented += d;
            files += 1;
        }
        assert!(files >= 10, "only {files} Lao pages found");
        let ratio = estimated as f64 / segmented as f64;
        assert!(
            (0.95..=1.05).contains(&ratio),
            "{estimated} vs {segmented} words"
        );
    }

    #[test]
    fn one_pass_word_count_matches_splitting_on_whitespace() {
        let reference = |t: &str| {
            t.split(|c: char| c.is_whitespace() || c == '\u{200B}')
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
        };
        for t in [
            "Hello, world!\tIt's\x0b2026 —\u{00A0}time\u{200B}to onboard.",
            "Қазақстан — әлем; ұлы ғасыр\n\n  ... 12 %",
            "नमस्ते दुनिया, २०२६ मा! — ।",
            "  \u{3000}full\u{3000}width\u{2028}line ",
            "",
        ] {
            assert_eq!(word_count(t), reference(t), "{t:?}");
        }
        // The shortcut agrees with the standard library everywhere it answers.
        for c in ('\u{0400}'..='\u{0FFF}').filter(|&c| is_alphanumeric(c)) {
            assert!(c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn strips_html() {
        assert_eq!(
            strip_html(
                "<h1 id=\"x\">Fish &amp; chips</h1><p>It&#39;s <em>very</em> good &lt;3 &quot;ok&quot;</p>"
            ),
            "Fish & chips It's very good <3 \"ok\" "
        );
        assert_eq!(strip_html("a<br>b<br/>c"), "a b c");
        assert_eq!(strip_html("un<strong>believ</strong>able"), "unbelievable");
        assert_eq!(strip_html("x<!-- <p>hidden</p> -->y"), "xy");
        assert_eq!(strip_html("<script>let a = '<p>';</script>after"), " after");
        assert_eq!(strip_html("<STYLE>p{}</STYLE>text"), " text");
        assert_eq!(
            strip_html("1 < 2 & 3 > 2; &#x2014; &unknown; &#8212;"),
            "1 < 2 & 3 > 2; \u{2014} &unknown; \u{2014}"
        );
        assert_eq!(strip_html("नेपाल&nbsp;<b>देश</b>"), "नेपाल\u{a0}देश");
        assert_eq!(
            word_count(&strip_html("<p>one</p><p>two</p><ul><li>three</li></ul>")),
            3
        );
    }

    #[test]
    fn strip_html_survives_broken_markup() {
        for html in [
            "<",
            "&",
            "<!--",
            "<script",
            "<p",
            "&#xD800;",
            "&#99999999999;",
            "é&é;",
            "&amp",
            "a</",
            "<<>>",
            "&;&#;&#x;",
        ] {
            let _ = strip_html(html);
        }
        assert_eq!(strip_html("&#xD800;"), "&#xD800;");
        assert_eq!(strip_html("é&é;"), "é&é;");
        assert_eq!(strip_html("<p"), "");
    }
}
