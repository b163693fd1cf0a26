//! PDF export (issue #16): one vector page the size of the diagram, the bundled font
//! embedded as subsets, every label there as text, no raster image, the same bytes each time.
#![cfg(feature = "pdf")]

use archdraw::{Diagram, Format};
use lopdf::{Document, Object};

fn spec(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn pdf(d: &Diagram) -> Vec<u8> {
    d.render(Format::Pdf, 1.0).expect("pdf")
}

/// Every text a diagram draws: title, box and link labels, route table rows.
fn labels(d: &Diagram) -> Vec<String> {
    d.scene
        .prims
        .iter()
        .filter_map(|p| match p {
            archdraw::scene::Prim::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The page's text as lopdf decodes it (through the fonts' ToUnicode maps), with the line
/// breaks it puts between glyphs taken out.
fn text_of(bytes: &[u8]) -> String {
    let doc = Document::load_mem(bytes).expect("a PDF lopdf reads");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 1, "one page");
    doc.extract_text(&pages).expect("text").replace('\n', "")
}

#[test]
fn one_vector_page_with_every_label_as_text() {
    for path in [
        "specs/ohio-network.toml",
        "specs/three-tier.toml",
        "specs/hub-spoke.toml",
    ] {
        let d = archdraw::compile(&spec(path)).expect("compiles");
        let bytes = pdf(&d);
        assert!(bytes.starts_with(b"%PDF-"), "{path}");
        let doc = Document::load_mem(&bytes).unwrap();
        // The page is the diagram's size, 1 px = 1 pt.
        let (_, page) = doc.get_pages().into_iter().next().unwrap();
        let media = doc
            .get_dictionary(page)
            .unwrap()
            .get(b"MediaBox")
            .and_then(Object::as_array)
            .expect("a media box")
            .iter()
            .map(|o| o.as_float().unwrap())
            .collect::<Vec<f32>>();
        assert_eq!(
            media,
            vec![0.0, 0.0, d.scene.width, d.scene.height],
            "{path}"
        );
        // Vector only: no image anywhere; the fonts embedded (TrueType programs) as subsets.
        let mut fonts = Vec::new();
        for obj in doc.objects.values() {
            let dict = match obj {
                Object::Dictionary(d) => d,
                Object::Stream(s) => &s.dict,
                _ => continue,
            };
            let is = |k: &[u8], v: &[u8]| dict.get(k).and_then(Object::as_name).ok() == Some(v);
            assert!(!is(b"Subtype", b"Image"), "{path}: a raster image");
            if is(b"Type", b"FontDescriptor") {
                assert!(dict.has(b"FontFile2"), "{path}: font not embedded");
                fonts.push(
                    String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap())
                        .to_string(),
                );
            }
        }
        assert!(!fonts.is_empty(), "{path}");
        for f in &fonts {
            // A subset carries a six-letter tag: ABCDEF+NotoSans.
            assert!(
                f.len() > 7 && f.as_bytes()[6] == b'+' && f.contains("NotoSans"),
                "{path}: {f}"
            );
        }
        let text = text_of(&bytes);
        for l in labels(&d) {
            assert!(
                text.contains(&l),
                "{path}: label {l:?} not in the PDF's text"
            );
        }
        assert_eq!(bytes, pdf(&d), "{path}: the same bytes each time");
    }
}

#[test]
fn the_title_and_creator_are_the_documents() {
    let d = archdraw::compile(&spec("specs/ohio-network.toml")).unwrap();
    let doc = Document::load_mem(&pdf(&d)).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .unwrap();
    let info = doc.get_dictionary(info).unwrap();
    let s = |k: &[u8]| {
        let raw = info.get(k).unwrap().as_str().unwrap();
        lopdf::decode_text_string(&Object::String(raw.to_vec(), lopdf::StringFormat::Literal))
            .unwrap_or_else(|_| String::from_utf8_lossy(raw).to_string())
    };
    assert_eq!(s(b"Title"), "Ohio network architecture");
    assert!(s(b"Creator").starts_with("archdraw "));
    assert!(
        info.get(b"CreationDate").is_err(),
        "no date: the same bytes each time"
    );
}

/// pdftotext (poppler), the tool readers use, gives back every label. It runs wherever
/// poppler-utils is installed; without it the test says it was left out (as the browser
/// tests do without Chromium: the lopdf test above checks the text everywhere), unless
/// ARCHDRAW_PDFTOTEXT_TEST=1 asks for it (CI), which makes that a failure.
#[test]
fn pdftotext_gives_back_every_label() {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("ARCHDRAW_PDFTOTEXT_TEST").as_deref() != Ok("1"),
            "ARCHDRAW_PDFTOTEXT_TEST=1 asks for pdftotext, which was not found: apt-get install poppler-utils"
        );
        eprintln!(
            "skipped: no pdftotext on PATH (apt-get install poppler-utils); \
             ARCHDRAW_PDFTOTEXT_TEST=1 makes this a failure"
        );
        return;
    }
    let d = archdraw::compile(&spec("specs/microservices.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.pdf");
    std::fs::write(&file, pdf(&d)).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let words: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for l in labels(&d) {
        let l: String = l.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains(&l), "label {l:?} not in pdftotext's output");
    }
}
