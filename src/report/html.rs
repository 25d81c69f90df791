//! report.html: report.md as one self-contained page that opens in any browser and can be
//! mailed on its own. Every chart is inline SVG (text drawn as outlines, so no font is fetched),
//! the style sheet is inline, and nothing is loaded from anywhere.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// The page's style: readable on a laptop and printable, tables with right-aligned figures.
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,\
sans-serif;color:#212529;max-width:1100px;margin:2rem auto;padding:0 1.5rem;line-height:1.5}\
h1{font-size:1.8rem;margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid #dee2e6}\
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}\
th,td{border:1px solid #dee2e6;padding:.3rem .6rem}th{background:#f1f3f5}\
td{font-variant-numeric:tabular-nums}figure{margin:1.5rem 0}\
figure svg{width:100%;height:auto;display:block}\
figcaption{color:#5f6368;font-size:.9rem;margin-top:.3rem}\
code{background:#f1f3f5;padding:0 .2rem;border-radius:3px}\
@media print{figure{break-inside:avoid}}";

/// `markdown` as a page titled `title`; each image whose file is in `svgs` (by name, e.g.
/// `fan_pool.svg`, whatever extension the markdown links) becomes that SVG inline, its alt text
/// the caption. An image with no SVG keeps its alt text only: the page never links a file.
pub fn report_html(title: &str, markdown: &str, svgs: &HashMap<String, Vec<u8>>) -> String {
    let mut events = Vec::new();
    let mut image: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match (&mut image, event) {
            (None, Event::Start(Tag::Image { dest_url, .. })) => {
                image = Some((dest_url.to_string(), String::new()));
            }
            (Some((_, alt)), Event::Text(text) | Event::Code(text)) => alt.push_str(&text),
            (Some(_), Event::End(TagEnd::Image)) => {
                let (file, alt) = image.take().expect("inside an image");
                events.push(Event::Html(figure(&file, &alt, svgs).into()));
            }
            (Some(_), _) => {}
            (None, event) => events.push(event),
        }
    }
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The chart `file` inline with its caption, or the caption alone when it has no SVG.
fn figure(file: &str, alt: &str, svgs: &HashMap<String, Vec<u8>>) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    match svgs.get(&format!("{stem}.svg")) {
        Some(svg) => format!(
            "<figure role=\"img\" aria-label=\"{0}\">\n{1}<figcaption>{0}</figcaption>\n</figure>\n",
            escape(alt),
            String::from_utf8_lossy(svg)
        ),
        None => format!("<p><em>{}</em></p>\n", escape(alt)),
    }
}

/// `text` safe inside HTML text and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_their_svg_inline_and_tables_stay_tables() {
        let markdown = "# Buy 5 units & save\n\n| rule | units |\n|---|---:|\n| min_mean | 5 |\n\n\
                        ![The bill & its \"band\"](fan_p.png)\n\n![No such chart](gone.png)\n";
        let svgs = HashMap::from([(
            "fan_p.svg".to_string(),
            b"<svg viewBox=\"0 0 4 3\"><path d=\"M0 0L4 3\"/></svg>\n".to_vec(),
        )]);
        let page = report_html("plans & units", markdown, &svgs);
        assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
        assert!(page.contains("<title>plans &amp; units</title>"), "{page}");
        assert!(page.contains("<h1>Buy 5 units &amp; save</h1>"), "{page}");
        assert!(page.contains("<td>min_mean</td>"), "{page}");
        assert!(
            page.contains("<td style=\"text-align: right\">5</td>"),
            "{page}"
        );
        assert!(page.contains("<svg viewBox=\"0 0 4 3\"><path d=\"M0 0L4 3\"/></svg>"));
        assert!(page.contains("<figcaption>The bill &amp; its &quot;band&quot;</figcaption>"));
        assert!(page.contains("<p><em>No such chart</em></p>"), "{page}");
        // Nothing is linked or fetched.
        for link in ["<img", "src=", "href=", "<script", "<link", "url("] {
            assert!(!page.contains(link), "{link} in {page}");
        }
    }
}
