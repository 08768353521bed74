//! The demo's world: its sites, categories with their typical incidents, and
//! service requests.

pub(super) const SITES: [(&str, &str); 5] = [
    ("North yard", "North"),
    ("Harbour depot", "Coast"),
    ("Ridge mine", "Highlands"),
    ("Central workshop", "Central"),
    ("Riverside plant", "Central"),
];

/// `(category, weight, titles)`.
pub(super) const CATEGORIES: [(&str, u32, &[&str]); 8] = [
    (
        "injury",
        10,
        &[
            "Hand cut while changing blade",
            "Slip on wet stairs",
            "Strained back lifting pallet",
            "Eye irritation from dust",
        ],
    ),
    (
        "near_miss",
        16,
        &[
            "Forklift reversed without spotter",
            "Load shifted on crane",
            "Unsecured ladder found",
            "Dropped tool from scaffold",
        ],
    ),
    (
        "property_damage",
        9,
        &[
            "Truck clipped gate post",
            "Water leak damaged ceiling",
            "Forklift hit racking",
        ],
    ),
    (
        "environmental",
        6,
        &[
            "Diesel spill at refuelling bay",
            "Dust above site limit",
            "Oil sheen in drain",
        ],
    ),
    (
        "security",
        6,
        &[
            "Fence cut on east boundary",
            "Badge used after hours",
            "Tools missing from store",
        ],
    ),
    (
        "equipment_failure",
        18,
        &[
            "Conveyor belt stopped",
            "Pump tripped on overload",
            "Generator failed to start",
            "Compressor overheating",
        ],
    ),
    (
        "it_outage",
        14,
        &[
            "Site network down",
            "Handheld scanners offline",
            "Email not syncing",
            "Printer queue stuck",
        ],
    ),
    (
        "other",
        6,
        &[
            "Visitor unwell on site",
            "Noise complaint from neighbour",
            "Power flicker in office",
        ],
    ),
];

pub(super) const SERVICE_REQUESTS: [&str; 4] = [
    "New starter needs site access",
    "Replace broken safety signage",
    "Request extra PPE stock",
    "Set up tablet for new supervisor",
];
