"""The bundled courses keep one name for one person: the cast list in courses/README.md names the
one file each person appears in, and no other bundled file uses that name."""

import re

from tests.conftest import BUNDLED_COURSES


def cast_list():
    text = (BUNDLED_COURSES / "README.md").read_text(encoding="utf-8")
    section = text.split("## Cast list", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \|$", section, re.M)
    return {name.strip(): path for path, names in rows for name in names.split(",")}


def course_files():
    return {
        str(path.relative_to(BUNDLED_COURSES)): path.read_text(encoding="utf-8")
        for path in sorted(BUNDLED_COURSES.rglob("*.md"))
        if path.name != "README.md"
    }


def test_the_cast_list_is_read_and_names_real_files():
    cast, files = cast_list(), course_files()
    assert len(cast) > 60
    assert set(cast.values()) <= set(files)


def test_each_name_belongs_to_one_file_only():
    # each file's words, once: a name is in a file when it is one of its words
    words = {path: set(re.findall(r"\w+", text)) for path, text in course_files().items()}
    found = {
        name: sorted(path for path, in_file in words.items() if name in in_file)
        for name in cast_list()
    }
    assert {name: paths for name, paths in found.items() if paths != [cast_list()[name]]} == {}
