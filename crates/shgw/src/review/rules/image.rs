//! The gateway image: moving tags and digests.

use super::{Ctx, Hits, Theme};
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use crate::review::objects::str_at;
use crate::versions::{self, Trigger, Version};

pub(crate) const THEME: Theme = Theme {
    name: "image",
    rules: &["SHGW010", "SHGW011", "SHGW012", "SHGW013"],
    check,
};

/// An image reference split into repository, tag and digest.
#[derive(Debug, PartialEq)]
pub struct ImageRef<'a> {
    /// Registry and path, `mcr.microsoft.com/azure-api-management/gateway`.
    pub repository: &'a str,
    /// The tag, `2.12.1`.
    pub tag: Option<&'a str>,
    /// The digest, `sha256:...`.
    pub digest: Option<&'a str>,
}

/// Splits `registry/path:tag@sha256:...`.
///
/// ```
/// let r = shgw::review::parse_image("contosoacr.azurecr.io/mirror/apim-gateway:2.12.1");
/// assert_eq!((r.repository, r.tag), ("contosoacr.azurecr.io/mirror/apim-gateway", Some("2.12.1")));
/// ```
pub fn parse_image(image: &str) -> ImageRef<'_> {
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
    if let Some(v) = r.tag.and_then(Version::from_tag) {
        minimums(gw, v, &pointer, hits);
        issues(cx, gw, v, &pointer, hits);
    }
    if r.digest.is_none() {
        match r.tag {
            None => hits.on(
                gw,
                "SHGW010",
                &pointer,
                "the image has no tag, which means latest",
            ),
            Some(t) if crate::defaults::ROLLING_TAGS.contains(&t) || t.ends_with("-preview") => {
                hits.on(
                    gw,
                    "SHGW010",
                    &pointer,
                    format!(
                        "the tag {t} moves to new gateway versions; pin an exact version such as {}",
                        crate::defaults::IMAGE_TAG
                    ),
                )
            }
            Some(t) if Version::from_tag(t).is_none() => hits.on(
                gw,
                "SHGW010",
                &pointer,
                format!(
                    "the tag {t} is not an exact version (X.Y.Z); pin one such as {}",
                    crate::defaults::IMAGE_TAG
                ),
            ),
            Some(_) => {}
        }
        hits.on(gw, "SHGW011", &pointer, "the image is not pinned by digest");
    }
}

/// The first supported major version (v0 and v1 ended on 2023-10-01).
const FIRST_SUPPORTED: Version = Version::new(2, 0, 0);

fn minimums(gw: &Gateway, v: Version, pointer: &str, hits: &mut Hits) {
    if v < FIRST_SUPPORTED {
        hits.on(
            gw,
            "SHGW012",
            pointer,
            format!(
                "image {v} is a v0/v1 gateway, out of support since 2023-10-01; use {}",
                versions::NEWEST
            ),
        );
        return;
    }
    for (key, setting) in &gw.settings {
        let value = setting.literal().unwrap_or_default().trim();
        for req in versions::requirements_of_setting(key, value) {
            if v < req.since {
                hits.on(
                    gw,
                    "SHGW012",
                    pointer,
                    format!(
                        "{} ({key}) needs image {} or later; the image is {v}",
                        req.title, req.since
                    ),
                );
            }
        }
    }
}

fn issues(cx: &Ctx, gw: &Gateway, v: Version, pointer: &str, hits: &mut Hits) {
    let backup = cx
        .doc(gw)
        .at(&format!("{}/volumeMounts", gw.container))
        .and_then(serde_json::Value::as_array)
        .is_some_and(|ms| {
            ms.iter().any(|m| {
                str_at(m, "/mountPath")
                    .is_some_and(|p| p.trim_end_matches('/') == crate::defaults::BACKUP_PATH)
            })
        });
    let trigger = if backup && cx.profile.platform == crate::profile::Platform::Openshift {
        Trigger::BackupOnOpenShift
    } else {
        Trigger::Always
    };
    for issue in versions::known_issues(v, trigger) {
        hits.on(
            gw,
            "SHGW013",
            pointer,
            format!(
                "image {v}: #{} {} ({})",
                issue.number,
                issue.summary,
                issue.url()
            ),
        );
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
