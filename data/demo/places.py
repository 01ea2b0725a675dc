"""The demo day's metros: time zones, area codes, cities with their ZIPs, streets, drivers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metro:
    code: str
    state: str
    timezone: str
    area_codes: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, ZIP)
    streets: tuple[str, ...]
    drivers: int


# fmt: off
METROS: tuple[Metro, ...] = (
    Metro("NJ", "NJ", "America/New_York", ("201", "973", "862"),
          (("Newark", "07102"), ("Newark", "07104"), ("Newark", "07105"),
           ("Jersey City", "07302"), ("Jersey City", "07304"), ("Jersey City", "07306"),
           ("Hoboken", "07030")),
          ("Broad St", "Market St", "Ferry St", "Newark Ave", "Grove St", "Washington St",
           "Bloomfield Ave", "Summit Ave", "Palisade Ave", "Garden St"), 4),
    Metro("ATL", "GA", "America/New_York", ("404", "470", "678"),
          (("Atlanta", "30303"), ("Atlanta", "30308"), ("Atlanta", "30309"),
           ("Atlanta", "30312"), ("Atlanta", "30318"), ("Atlanta", "30324")),
          ("Peachtree St NE", "Ponce de Leon Ave", "Edgewood Ave", "Spring St NW",
           "Piedmont Ave NE", "Howell Mill Rd", "Boulevard SE", "Monroe Dr NE"), 3),
    Metro("CHI", "IL", "America/Chicago", ("312", "773", "872"),
          (("Chicago", "60601"), ("Chicago", "60607"), ("Chicago", "60614"),
           ("Chicago", "60622"), ("Chicago", "60647"), ("Chicago", "60657")),
          ("N Clark St", "W Division St", "N Milwaukee Ave", "W Armitage Ave", "N Halsted St",
           "W Belmont Ave", "S Racine Ave", "N Damen Ave"), 4),
    Metro("DFW", "TX", "America/Chicago", ("214", "469", "972"),
          (("Dallas", "75201"), ("Dallas", "75204"), ("Dallas", "75206"),
           ("Dallas", "75214"), ("Dallas", "75219"), ("Dallas", "75226")),
          ("Ross Ave", "McKinney Ave", "Greenville Ave", "Gaston Ave", "Lemmon Ave",
           "Elm St", "Swiss Ave", "Live Oak St"), 3),
    Metro("DEN", "CO", "America/Denver", ("303", "720"),
          (("Denver", "80202"), ("Denver", "80203"), ("Denver", "80205"),
           ("Denver", "80206"), ("Denver", "80211"), ("Denver", "80218")),
          ("Colfax Ave", "Larimer St", "Broadway", "Speer Blvd", "York St", "Tejon St",
           "Federal Blvd", "17th Ave"), 3),
    Metro("PHX", "AZ", "America/Phoenix", ("602", "480"),
          (("Phoenix", "85004"), ("Phoenix", "85006"), ("Phoenix", "85008"),
           ("Phoenix", "85012"), ("Phoenix", "85016"), ("Phoenix", "85018")),
          ("N Central Ave", "E Camelback Rd", "E Indian School Rd", "N 7th St",
           "E McDowell Rd", "N 16th St"), 2),
    Metro("LA", "CA", "America/Los_Angeles", ("213", "323", "310"),
          (("Los Angeles", "90004"), ("Los Angeles", "90012"), ("Los Angeles", "90026"),
           ("Los Angeles", "90027"), ("Los Angeles", "90029"), ("Los Angeles", "90039")),
          ("Sunset Blvd", "Vermont Ave", "Hollywood Blvd", "Glendale Blvd", "Hyperion Ave",
           "Santa Monica Blvd", "Melrose Ave", "Echo Park Ave"), 4),
    Metro("SEA", "WA", "America/Los_Angeles", ("206", "425"),
          (("Seattle", "98101"), ("Seattle", "98102"), ("Seattle", "98103"),
           ("Seattle", "98107"), ("Seattle", "98109"), ("Seattle", "98122")),
          ("Pike St", "Pine St", "Fremont Ave N", "NW Market St", "Westlake Ave N",
           "E Madison St", "Aurora Ave N", "15th Ave E"), 2),
)
# fmt: on
