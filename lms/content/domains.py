"""Training domains: the list a course counts its hours in, a module's (or live session's) split
of its minutes across them, and whether a course's modules and live sessions can add up to the
training hours its certificate requires.

The list lives here (DEFAULT_DOMAINS, the IC&RC peer recovery domains); a course that follows
another framework names its own in course.md (`domains: [...]`), so the checker, which runs
without the app, reads it from the same place as everything else.
"""

from __future__ import annotations

import re

from .frontmatter import Field

DEFAULT_DOMAINS = ("advocacy", "mentoring-education", "recovery-wellness", "ethical-responsibility")
# How pages name the default domains; a course's own domains read as their slug in words.
DOMAIN_LABELS = {
    "advocacy": "Advocacy",
    "mentoring-education": "Mentoring and education",
    "recovery-wellness": "Recovery and wellness support",
    "ethical-responsibility": "Ethical responsibility",
}
DOMAIN_LENGTH = 40  # the size of the domain column
MODULE_MINUTES = Field("int", required=True, minimum=1, maximum=240)
DOMAIN_MINUTES = Field("int", minimum=1, maximum=240)
MAX_REQUIRED_HOURS = 2000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def label(domain):
    """A domain as pages name it: 'recovery-wellness' -> 'Recovery and wellness support',
    a course's own 'peer-skills' -> 'Peer skills'."""
    return DOMAIN_LABELS.get(domain) or domain.replace("-", " ").capitalize()


def listed(domains):
    return ", ".join(domains)


def unknown_domain_message(domains, where):
    """The message for a domain name the course does not have, for frontmatter.Field.unknown."""
    return f"unknown domain '{{key}}' in '{where}': the domains are {listed(domains)}"


def module_fields(domains):
    """The `domain` and `domains` front-matter fields of a module, for this course's domains."""
    return {
        "domain": Field("choice", choices=domains),
        "domains": Field(
            "mapping",
            children={name: DOMAIN_MINUTES for name in domains},
            unknown=unknown_domain_message(domains, "domains"),
        ),
    }


def training_hours_field(domains):
    """`certificate: requires: training_hours:` in course.md: a total and/or hours per domain."""
    hours = Field("int", minimum=1, maximum=MAX_REQUIRED_HOURS)
    return Field(
        "mapping",
        children={"total": hours, **{name: hours for name in domains}},
        unknown=(
            "unknown domain '{key}' in 'training_hours': use 'total' or one of the domains, "
            + listed(domains)
        ),
    )


def course_domains(located):
    """The course's domain list from course.md's `domains:` (a Located list) or the default.

    Returns (domains, [(line, message)]). A `domains:` that cannot be used (not a list of text,
    which the schema reports, or a name reported here) gives None: the course's domains are then
    unknown, and each module's are taken as it names them, so that the one mistake in course.md
    is not reported again, as an unknown domain, in every module that uses the list.
    """
    if located is None:
        return DEFAULT_DOMAINS, []
    if not isinstance(located.value, list):
        return None, []
    names = [item for item in located.value if isinstance(item, str)]
    if len(names) != len(located.value) or not names:
        return None, []
    problems = []
    seen = []
    for name in names:
        name = name.strip()
        if not _SLUG.match(name):
            problems.append(
                (located.line, f"domain '{name}' is not a slug: use lowercase letters, digits and "
                 "hyphens, for example 'ethical-responsibility'")
            )  # fmt: skip
        elif len(name) > DOMAIN_LENGTH:
            problems.append(
                (located.line, f"domain '{name}' is {len(name)} characters long; the limit is "
                 f"{DOMAIN_LENGTH}: choose a shorter name")
            )  # fmt: skip
        elif name in seen:
            problems.append((located.line, f"domain '{name}' is listed twice"))
        else:
            seen.append(name)
    return (None if problems else tuple(seen)), problems


def named_in(located):
    """The domains a file names itself: a module's or session's `domain` or the keys of its
    `domains`, and course.md's `certificate: requires: training_hours` keys. What the file is
    checked against when its course's domains are unknown, because course.md could not be read
    or its `domains:` cannot be used (that problem is reported once, at `domains:`, not again as
    an unknown domain in every module or every training_hours key)."""
    names = []
    for key in ("domain", "domains"):
        value = located[key].value if key in located else None
        if isinstance(value, str):
            names.append(value)
        elif isinstance(value, dict):
            names += [name for name in value if isinstance(name, str)]
    required = _value_at(located, "certificate", "requires", "training_hours")
    if isinstance(required, dict):
        names += [name for name in required if isinstance(name, str) and name != "total"]
    return tuple(dict.fromkeys(names))


def _value_at(located, *keys):
    """The value under `keys` in located front matter, or None where a step is missing."""
    value = located
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key].value
    return value


def module_split(settings, located, domains):
    """A module's minutes per domain {domain: minutes}, in the course's domain order, and the
    problems with its `domain`/`domains` keys as [(line, message)].

    `minutes` is the module's whole training time; a `domains:` split shares it out, so its
    minutes must add up to `minutes` exactly.
    """
    has_one, has_split = "domain" in located, "domains" in located
    if has_one and has_split:
        return None, [
            (located["domains"].line,
             "use either 'domain' (all the module's minutes in one domain) or 'domains' (its "
             "minutes split across domains), not both")
        ]  # fmt: skip
    if not has_one and not has_split:
        return None, [(1, "missing required key 'domain'")]
    minutes = settings.get("minutes")
    if has_one:
        domain = settings.get("domain")
        if domain is None or minutes is None:
            return None, []  # reported by the schema
        return {domain: minutes}, []
    split = settings.get("domains")
    line = located["domains"].line
    if not isinstance(split, dict) or minutes is None:
        return None, []
    if not located["domains"].value:
        return None, [(line, "'domains' is empty: give each domain's minutes, e.g. advocacy: 15")]
    if not split or len(split) != len(located["domains"].value) or None in split.values():
        return None, []  # an unknown domain or unusable minutes: reported by the schema
    added = sum(split.values())
    if added != minutes:
        return None, [
            (line,
             f"the minutes in 'domains' add up to {added}, but 'minutes' is {minutes}: make them "
             "agree ('minutes' is the module's whole training time, 'domains' shares it out)")
        ]  # fmt: skip
    return {name: split[name] for name in (domains or split) if name in split}, []


def primary_domain(split):
    """The domain with the most minutes (the first listed on a tie): what a list shows."""
    return max(split, key=lambda name: split[name])


def hours_text(minutes):
    """Minutes as hours, rounded down to a tenth so that nearly-met never reads as met."""
    tenths = minutes * 10 // 60
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def shortfalls(required, minutes_by_domain, domains, session_minutes=None):
    """What the course cannot supply: [(key, message)] for each requirement (a domain or 'total')
    above what its modules (and live sessions, {domain: minutes} when it has any) add up to, with
    the sums per domain."""
    module_minutes = minutes_by_domain
    session_minutes = session_minutes or {}
    minutes_by_domain = {
        name: module_minutes.get(name, 0) + session_minutes.get(name, 0)
        for name in {*module_minutes, *session_minutes}
    }
    total = sum(minutes_by_domain.values())
    sums = ", ".join(f"{name} {hours_text(minutes_by_domain.get(name, 0))}" for name in domains)
    found = []
    for key, hours in required.items():
        have = total if key == "total" else minutes_by_domain.get(key, 0)
        if have < hours * 60:
            what = "in total" if key == "total" else f"of {key}"
            what = f"training hour{'' if hours == 1 else 's'} {what}"
            if session_minutes:
                from_modules = sum(module_minutes.values())
                from_sessions = sum(session_minutes.values())
                if key != "total":
                    from_modules = module_minutes.get(key, 0)
                    from_sessions = session_minutes.get(key, 0)
                source = (
                    f"modules and live sessions add up to {hours_text(have)} (modules "
                    f"{hours_text(from_modules)}, sessions {hours_text(from_sessions)}; "
                )
                advice = "add modules or sessions, or lower the requirement"
            else:
                source = f"modules add up to {hours_text(have)} ("
                advice = "add modules or lower the requirement"
            found.append(
                (key,
                 f"the certificate requires {hours} {what}, but this course's {source}hours by "
                 f"domain: {sums}; total {hours_text(total)}): {advice}")
            )  # fmt: skip
    return found


def hours_summary(course):
    """A course's training hours per domain, as `lms courses check` prints them: what its modules
    and live sessions add up to, against what its certificate requires."""
    sums = {}
    for unit in (*course.modules, *course.sessions):
        for name, minutes in (unit.domain_minutes or {unit.domain: unit.minutes}).items():
            sums[name] = sums.get(name, 0) + minutes
    required = course.training_hours or {}

    def figure(minutes, key):
        wanted = f" (requires {required[key]})" if key in required else ""
        return f"{hours_text(minutes)}{wanted}"

    domains = course.domains or DEFAULT_DOMAINS
    parts = [f"{name} {figure(sums.get(name, 0), name)}" for name in domains]
    modules = sum(m.minutes for m in course.modules)
    sessions = sum(s.minutes for s in course.sessions)
    total = f"total {figure(modules + sessions, 'total')}"
    split = f"modules {hours_text(modules)}" + (
        f", live sessions {hours_text(sessions)}" if course.sessions else ""
    )
    return f"{course.slug}: training hours: {', '.join(parts)}; {total} ({split})"
