//! The gateway image: moving tags and digests.

use super::{Ctx, Hits, Theme};
use crate::inventory::Gateway;
use crate::objects::str_at;

pub(crate) const THEME: Theme = Theme {
    name: "image",
    rules: &["SHGW010", "SHGW011"],
    check,
};

/// An image reference split into repository, tag and digest.
#[derive(Debug, PartialEq)]
pub(crate) struct ImageRef<'a> {
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Splits `registry/path:tag@sha256:...`.
pub(crate) fn parse_image(image: &str) -> ImageRef<'_> {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind(':') {
        Some(i) => ImageRef {
            repository: &name[..slash + i],
            tag: Some(&name[slash + i + 1..]),
            digest,
        },
        None => ImageRef {
            repository: name,
            tag: None,
            digest,
        },
    }
}

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let pointer = format!("{}/image", gw.container);
    let Some(image) = str_at(cx.doc(gw), &pointer) else {
        return;
    };
    let r = parse_image(image);
    if r.digest.is_none() {
        match r.tag {
            None => hits.on(
                gw,
                "SHGW010",
                &pointer,
                "the image has no tag, which means latest",
            ),
            Some(t) if shgw::defaults::ROLLING_TAGS.contains(&t) => hits.on(
                gw,
                "SHGW010",
                &pointer,
                format!(
                    "the tag {t} moves to new gateway versions; pin an exact version such as {}",
                    shgw::defaults::IMAGE_TAG
                ),
            ),
            Some(_) => {}
        }
        hits.on(gw, "SHGW011", &pointer, "the image is not pinned by digest");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        let r = parse_image("mcr.microsoft.com/azure-api-management/gateway:2.11.1@sha256:ab");
        assert_eq!(
            (r.repository, r.tag, r.digest),
            (
                "mcr.microsoft.com/azure-api-management/gateway",
                Some("2.11.1"),
                Some("sha256:ab")
            )
        );
        let r = parse_image("localhost:5000/azure-api-management/gateway");
        assert_eq!(
            (r.repository, r.tag),
            ("localhost:5000/azure-api-management/gateway", None)
        );
    }
}
