//! Built-in table of AWS regions: display names and availability-zone letters.
//!
//! Zone letters are the zone *names* AWS uses in the region (`us-east-2a`, …). Where the
//! letters offered differ between accounts (us-west-1, ap-northeast-1), the table lists every
//! letter that exists for some account, so that a valid zone is never rejected.

/// One AWS region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionInfo {
    /// Region code, e.g. `"us-east-2"`.
    pub code: &'static str,
    /// Display name, e.g. `"US East (Ohio)"`.
    pub name: &'static str,
    /// Availability-zone letters, e.g. `"abc"`.
    pub zones: &'static str,
}

const fn r(code: &'static str, name: &'static str, zones: &'static str) -> RegionInfo {
    RegionInfo { code, name, zones }
}

/// All known regions (commercial, GovCloud and China), sorted by code.
pub static REGIONS: &[RegionInfo] = &[
    r("af-south-1", "Africa (Cape Town)", "abc"),
    r("ap-east-1", "Asia Pacific (Hong Kong)", "abc"),
    r("ap-east-2", "Asia Pacific (Taipei)", "abc"),
    r("ap-northeast-1", "Asia Pacific (Tokyo)", "abcd"),
    r("ap-northeast-2", "Asia Pacific (Seoul)", "abcd"),
    r("ap-northeast-3", "Asia Pacific (Osaka)", "abc"),
    r("ap-south-1", "Asia Pacific (Mumbai)", "abc"),
    r("ap-south-2", "Asia Pacific (Hyderabad)", "abc"),
    r("ap-southeast-1", "Asia Pacific (Singapore)", "abc"),
    r("ap-southeast-2", "Asia Pacific (Sydney)", "abc"),
    r("ap-southeast-3", "Asia Pacific (Jakarta)", "abc"),
    r("ap-southeast-4", "Asia Pacific (Melbourne)", "abc"),
    r("ap-southeast-5", "Asia Pacific (Malaysia)", "abc"),
    r("ap-southeast-6", "Asia Pacific (New Zealand)", "abc"),
    r("ap-southeast-7", "Asia Pacific (Thailand)", "abc"),
    r("ca-central-1", "Canada (Central)", "abd"),
    r("ca-west-1", "Canada West (Calgary)", "abc"),
    r("cn-north-1", "China (Beijing)", "abd"),
    r("cn-northwest-1", "China (Ningxia)", "abc"),
    r("eu-central-1", "Europe (Frankfurt)", "abc"),
    r("eu-central-2", "Europe (Zurich)", "abc"),
    r("eu-north-1", "Europe (Stockholm)", "abc"),
    r("eu-south-1", "Europe (Milan)", "abc"),
    r("eu-south-2", "Europe (Spain)", "abc"),
    r("eu-west-1", "Europe (Ireland)", "abc"),
    r("eu-west-2", "Europe (London)", "abc"),
    r("eu-west-3", "Europe (Paris)", "abc"),
    r("il-central-1", "Israel (Tel Aviv)", "abc"),
    r("me-central-1", "Middle East (UAE)", "abc"),
    r("me-south-1", "Middle East (Bahrain)", "abc"),
    r("mx-central-1", "Mexico (Central)", "abc"),
    r("sa-east-1", "South America (São Paulo)", "abc"),
    r("us-east-1", "US East (N. Virginia)", "abcdef"),
    r("us-east-2", "US East (Ohio)", "abc"),
    r("us-gov-east-1", "AWS GovCloud (US-East)", "abc"),
    r("us-gov-west-1", "AWS GovCloud (US-West)", "abc"),
    r("us-west-1", "US West (N. California)", "abc"),
    r("us-west-2", "US West (Oregon)", "abcd"),
];

/// The region with this exact code (e.g. `"us-east-2"`).
pub fn lookup(code: &str) -> Option<&'static RegionInfo> {
    REGIONS
        .binary_search_by(|r| r.code.cmp(code))
        .ok()
        .map(|i| &REGIONS[i])
}

/// Expands a zone given as "us-east-2a" or the shorthand "a" to the full zone name, if the
/// letter is one of the region's zones. Surrounding spaces and upper case are accepted.
pub fn zone_name(region: &RegionInfo, zone: &str) -> Option<String> {
    let zone = zone.trim().to_ascii_lowercase();
    let letter = zone.strip_prefix(region.code).unwrap_or(&zone);
    let mut chars = letter.chars();
    let c = chars.next()?;
    if chars.next().is_some() || !c.is_ascii_lowercase() || !region.zones.contains(c) {
        return None;
    }
    Some(format!("{}{}", region.code, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_unique_and_well_formed() {
        for pair in REGIONS.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for r in REGIONS {
            assert!(!r.name.is_empty(), "{}", r.code);
            assert!(r.code.ends_with(|c: char| c.is_ascii_digit()), "{}", r.code);
            assert!(!r.zones.is_empty(), "{}", r.code);
            assert!(
                r.zones.bytes().all(|b| b.is_ascii_lowercase()),
                "{}",
                r.code
            );
            let z = r.zones.as_bytes();
            assert!(
                z.windows(2).all(|w| w[0] < w[1]),
                "zones of {} not sorted",
                r.code
            );
        }
    }

    #[test]
    fn lookup_known_regions() {
        assert_eq!(lookup("us-east-2").unwrap().name, "US East (Ohio)");
        assert_eq!(lookup("us-east-1").unwrap().name, "US East (N. Virginia)");
        assert_eq!(lookup("us-east-1").unwrap().zones, "abcdef");
        assert_eq!(lookup("eu-west-1").unwrap().name, "Europe (Ireland)");
        assert!(lookup("us-gov-west-1").is_some());
        assert!(lookup("cn-north-1").is_some());
        for r in REGIONS {
            assert_eq!(lookup(r.code), Some(r));
        }
        assert!(lookup("us-east-9").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn zone_names() {
        let ohio = lookup("us-east-2").unwrap();
        assert_eq!(zone_name(ohio, "a").as_deref(), Some("us-east-2a"));
        assert_eq!(zone_name(ohio, "c").as_deref(), Some("us-east-2c"));
        assert_eq!(zone_name(ohio, "us-east-2b").as_deref(), Some("us-east-2b"));
        assert_eq!(zone_name(ohio, " B ").as_deref(), Some("us-east-2b"));
        assert_eq!(zone_name(ohio, "US-EAST-2A").as_deref(), Some("us-east-2a"));
        assert_eq!(zone_name(ohio, "d"), None);
        assert_eq!(zone_name(ohio, "us-east-2d"), None);
        assert_eq!(zone_name(ohio, "us-east-1a"), None);
        assert_eq!(zone_name(ohio, "us-east-2"), None);
        assert_eq!(zone_name(ohio, "ab"), None);
        assert_eq!(zone_name(ohio, ""), None);
        assert_eq!(zone_name(ohio, "1"), None);
        let virginia = lookup("us-east-1").unwrap();
        assert_eq!(zone_name(virginia, "f").as_deref(), Some("us-east-1f"));
        let canada = lookup("ca-central-1").unwrap();
        assert_eq!(zone_name(canada, "c"), None);
        assert_eq!(zone_name(canada, "d").as_deref(), Some("ca-central-1d"));
    }
}
