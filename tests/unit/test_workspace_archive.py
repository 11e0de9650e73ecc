"""A draft course as a zip of its course folder: export, import, and every zip that must be
refused with nothing written (traversal, links, bombs, limits, broken files)."""

import io
import re
import stat
import struct
import time
import tracemalloc
import warnings
import zipfile
import zlib

import pytest
from sqlalchemy import func, select

from lms.content.loader import load_courses
from lms.extensions import db
from lms.models import DraftCourse, DraftFile, DraftRevision
from lms.services.authoring.publishing import sync_courses
from lms.services.workspace import archive, store
from lms.services.workspace.archive import ArchiveRefused
from tests.conftest import BUNDLED_COURSES, FIXTURES
from tests.unit.test_workspace_images import PLAIN_SVG, SVG, picture

SAMPLE = FIXTURES / "courses" / "sample-course"


def folder_files(folder):
    """{path inside the course: bytes} of a course folder on disk."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def zip_of(files, prefix="", method=zipfile.ZIP_DEFLATED):
    """A zip of {name: bytes} (or (bytes, ZipInfo changes)) as an ordinary zip tool makes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as out, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name; some tests want one
        for name, content in files.items() if isinstance(files, dict) else files:
            info = zipfile.ZipInfo(prefix + name, date_time=(2026, 11, 29, 3, 0, 0))
            info.compress_type = method
            if name.endswith("/"):
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
            else:
                info.external_attr = (stat.S_IFREG | 0o644) << 16
            if isinstance(content, tuple):
                content, changes = content
                for key, value in changes.items():
                    setattr(info, key, value)
            out.writestr(info, content)
    return buffer.getvalue()


def sample_zip(changes=None):
    """The sample course's folder as a zip, with files changed ({name: bytes}) or dropped (None)."""
    files = folder_files(SAMPLE)
    for name, content in (changes or {}).items():
        if content is None:
            files.pop(name)
        else:
            files[name] = content
    return zip_of(files, "sample-course/")


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (DraftCourse, DraftFile, DraftRevision)
    )


def refused(data, **kwargs):
    """The problems of a refused import, having checked that it wrote nothing."""
    before = counts()
    with pytest.raises(ArchiveRefused) as caught:
        archive.import_zip(data, **kwargs)
    db.session.rollback()
    assert counts() == before
    return caught.value.problems


def revisions(course, path):
    file = db.session.scalar(
        select(DraftFile).where(DraftFile.course_id == course.id, DraftFile.path == path)
    )
    return [
        (r.number, r.note, r.content)
        for r in db.session.scalars(
            select(DraftRevision).where(DraftRevision.file_id == file.id).order_by("number")
        )
    ]


# -- Export and import ---------------------------------------------------------------------------


def test_import_creates_a_draft_course_and_export_gives_back_every_byte(app_ctx):
    course = archive.import_zip(zip_of(folder_files(SAMPLE), "sample-course/"))
    assert course.slug == "sample-course"
    assert store.live_files(course) == folder_files(SAMPLE)
    assert revisions(course, "course.md") == [
        (1, "imported from a zip", (SAMPLE / "course.md").read_bytes())
    ]

    exported = archive.export(course)
    with zipfile.ZipFile(io.BytesIO(exported)) as again:
        names = again.namelist()
        assert names == sorted(names)
        assert names == [f"sample-course/{path}" for path in sorted(folder_files(SAMPLE))]
        assert {info.date_time for info in again.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {n.removeprefix("sample-course/"): again.read(n) for n in names} == folder_files(
            SAMPLE
        )
    assert archive.export(course) == exported  # the same draft, the same bytes


def test_export_then_import_gives_byte_identical_files_and_no_new_revision(app_ctx):
    course = archive.import_zip(zip_of(folder_files(SAMPLE), "sample-course/"))
    exported = archive.export(course)
    again = archive.import_zip(exported, slug="sample-course")
    assert again.id == course.id
    assert store.live_files(again) == folder_files(SAMPLE)
    assert db.session.scalar(select(func.count()).select_from(DraftRevision)) == len(
        folder_files(SAMPLE)
    )
    assert archive.export(again) == exported


def test_the_bundled_courses_go_in_and_come_out_byte_for_byte(app_ctx):
    # foundations first: its renewal rule names the CE categories the CE course uses
    slugs = ["peer-support-foundations", "peer-support-continuing-education",
             "running-a-peer-support-program"]  # fmt: skip
    assert sorted(slugs) == sorted(p.name for p in BUNDLED_COURSES.iterdir() if p.is_dir())
    for slug in slugs:
        on_disk = folder_files(BUNDLED_COURSES / slug)
        course = archive.import_zip(zip_of(on_disk, f"{slug}/"))
        with zipfile.ZipFile(io.BytesIO(archive.export(course))) as exported:
            assert {
                name.removeprefix(f"{slug}/"): exported.read(name) for name in exported.namelist()
            } == on_disk, slug


def test_a_ce_module_may_use_a_category_of_a_published_course(app_ctx):
    slug = "peer-support-continuing-education"
    data = zip_of(folder_files(BUNDLED_COURSES / slug), f"{slug}/")
    problems = refused(data)  # alone, no course names its modules' CE categories
    assert re.fullmatch(
        r"the course has \d+ errors: fix them in the files and zip the folder again", problems[0]
    )
    assert all(
        re.match(
            rf"{slug}/\d\d-[a-z0-9-]+\.md:\d+: 'ce.category' is '[a-z-]+', but no course here "
            "has a renewal rule naming CE categories",
            problem,
        )
        for problem in problems[1:]
    )
    sync_courses(BUNDLED_COURSES / "peer-support-foundations")
    assert archive.import_zip(data).slug == slug


def test_the_published_rule_of_the_course_imported_does_not_count(app_ctx, tmp_path):
    # published with a renewal rule naming 'ethics'; the zip drops the rule but a module uses it
    published = tmp_path / "sample-course"
    published.mkdir()
    for path, content in folder_files(SAMPLE).items():
        (published / path).parent.mkdir(exist_ok=True)
        (published / path).write_bytes(content)
    with_rule = (
        (SAMPLE / "course.md")
        .read_bytes()
        .replace(
            b"  valid_for_months: 12\n",
            b"  valid_for_months: 12\n  renewal: {ce_hours: 10, categories: [ethics]}\n",
        )
    )
    (published / "course.md").write_bytes(with_rule)
    sync_courses(published)
    ce_module = (
        (SAMPLE / "02-listening.md")
        .read_bytes()
        .replace(b"pass_mark: 50\n", b"pass_mark: 50\nce: {hours: 1, category: ethics}\n")
    )
    problems = refused(sample_zip({"02-listening.md": ce_module}))
    assert problems[1] == (
        "sample-course/02-listening.md:8: 'ce.category' is 'ethics', but no course here has a "
        "renewal rule naming CE categories: add 'renewal:' under 'certificate:' in a course.md "
        "first"
    )
    course = archive.import_zip(sample_zip({"02-listening.md": ce_module, "course.md": with_rule}))
    assert store.live_files(course)["02-listening.md"] == ce_module


def test_an_update_adds_changes_and_deletes_files_as_revisions(app_ctx):
    spare = picture("PNG")
    course = archive.import_zip(sample_zip({"media/spare.png": spare}))
    overview = (SAMPLE / "course.md").read_bytes() + b"\nA new closing line.\n"
    third = (SAMPLE / "02-listening.md").read_bytes().replace(b"title: Listening", b"title: More")
    # the update names the course, and the zip holds its files at the top level, with no folder
    files = {**folder_files(SAMPLE), "course.md": overview, "03-more.md": third}
    archive.import_zip(zip_of(files), author_id=None, slug="sample-course")

    live = store.live_files(course)
    assert live == files
    assert [n for n, _, _ in revisions(course, "01-first-steps.md")] == [1]  # unchanged
    assert revisions(course, "course.md")[1] == (2, "imported from a zip", overview)
    assert revisions(course, "03-more.md") == [(1, "imported from a zip", third)]
    assert revisions(course, "media/spare.png") == [
        (1, "imported from a zip", spare),
        (2, "deleted by an import", None),
    ]
    deleted = db.session.scalar(select(DraftFile).where(DraftFile.path == "media/spare.png"))
    assert deleted.deleted_at is not None
    with zipfile.ZipFile(io.BytesIO(archive.export(course))) as exported:
        assert "sample-course/media/spare.png" not in exported.namelist()
        assert len(exported.namelist()) == len(files)

    # a later import that holds the file again brings it back on the same row
    archive.import_zip(sample_zip({"media/spare.png": spare}), slug="sample-course")
    assert revisions(course, "media/spare.png")[2] == (3, "imported from a zip", spare)
    assert revisions(course, "03-more.md")[1] == (2, "deleted by an import", None)
    assert store.live_files(course) == {**folder_files(SAMPLE), "media/spare.png": spare}


def test_files_zip_tools_add_are_skipped(app_ctx):
    files = folder_files(SAMPLE)
    extra = {
        "sample-course/": b"",
        "sample-course/media/": b"",
        "__MACOSX/sample-course/._course.md": b"\0\5\26\7",
        "sample-course/.DS_Store": b"\0\0\0\1Bud1",
        "sample-course/.git/config": b"[core]\n",
    }
    data = zip_of({**{f"sample-course/{n}": c for n, c in files.items()}, **extra})
    course = archive.import_zip(data)
    assert store.live_files(course) == files


def test_warnings_do_not_refuse(app_ctx):
    remote = b"![A remote picture](https://example.org/a.png)\n"
    course = archive.import_zip(
        sample_zip({"02-listening.md": (SAMPLE / "02-listening.md").read_bytes() + remote})
    )
    assert store.live_files(course)["02-listening.md"].endswith(remote)


# -- The course's files --------------------------------------------------------------------------


def test_a_broken_module_refuses_with_its_file_and_line(app_ctx):
    broken = (SAMPLE / "02-listening.md").read_bytes().replace(b"minutes: 20\n", b"minutes: x\n")
    problems = refused(sample_zip({"02-listening.md": broken}))
    assert problems[0] == "the course has 1 error: fix them in the files and zip the folder again"
    assert problems[1].startswith("sample-course/02-listening.md:3: ")


def test_an_update_that_breaks_the_course_changes_nothing(app_ctx):
    course = archive.import_zip(sample_zip())
    before = store.live_files(course)
    problems = refused(sample_zip({"01-first-steps.md": None}), slug="sample-course")
    assert "sample-course/course.md:10: link '01-first-steps.md'" in "\n".join(problems)
    assert store.live_files(course) == before


def test_markdown_that_is_not_utf8_is_refused(app_ctx):
    text = (SAMPLE / "02-listening.md").read_text(encoding="utf-8") + "\nUn café.\n"
    problems = refused(sample_zip({"02-listening.md": text.encode("latin-1")}))
    line = text.count("\n")
    assert problems == [
        f"sample-course/02-listening.md: line {line} is not UTF-8 (byte 0xe9): save the file "
        "as UTF-8"
    ]


def test_an_svg_with_script_is_refused_whatever_its_name(app_ctx):
    problems = refused(sample_zip({"media/circle.png": SVG, "media/chart.svg": SVG}))
    assert problems == [
        f"sample-course/media/{name}: 'media/{name}' is an SVG that holds script (a <script>, an "
        "on... event attribute, a javascript: link or embedded HTML), which a picture never "
        "needs: remove it, or save the picture as a PNG"
        for name in ("circle.png", "chart.svg")
    ]


def test_a_course_folder_with_a_plain_svg_diagram_imports(app_ctx, tmp_path):
    # It checks clean on disk, so it can be carried into the workspace and out again.
    folder = tmp_path / "sample-course"
    for path, content in folder_files(SAMPLE).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    (folder / "media" / "chart.svg").write_bytes(PLAIN_SVG)
    lesson = folder / "02-listening.md"
    text = lesson.read_text().replace(
        "## Quiz", "![A circle of chairs](media/chart.svg)\n\n## Quiz"
    )
    lesson.write_text(text)
    assert load_courses(folder).problems == []
    course = archive.import_zip(zip_of(folder_files(folder), "sample-course/"), None)
    assert store.live_files(course)["media/chart.svg"] == PLAIN_SVG
    assert (
        zipfile.ZipFile(io.BytesIO(archive.export(course))).read("sample-course/media/chart.svg")
        == PLAIN_SVG
    )


def test_a_png_named_jpg_is_refused(app_ctx):
    problems = refused(sample_zip({"media/photo.jpg": picture("PNG")}))
    assert problems == [
        "sample-course/media/photo.jpg: 'photo.jpg' is a PNG image but its name ends in .jpg: "
        "rename it 'photo.png'"
    ]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("notes.txt", "is not where a course keeps a file"),
        ("README.md", "is not where a course keeps a file"),
        ("drafts/01-idea.md", "is not where a course keeps a file"),
        ("sessions/notes.md", "is not where a course keeps a file"),
        ("media/deep/a.png", "is not where a course keeps a file"),
        ("media/Circle.png", "the image name 'Circle.png' cannot be used"),
        ("media/diagram.svg", "'media/diagram.svg' is not an SVG image"),
        ("media/page.html", "'media/page.html' is a .html file, and media/ holds only pictures"),
        ("media/app.js", "'media/app.js' is a .js file, and media/ holds only pictures"),
        ("media/notes", "'media/notes' is a file with no extension, and media/ holds only"),
        ("0" * 196 + "-x.md", "the path is 201 characters long; the limit is 200: shorten"),
    ],
)
def test_a_file_outside_the_course_layout_is_refused(app_ctx, name, why):
    problems = refused(zip_of({**folder_files(SAMPLE), name: b"x"}, "sample-course/"))
    assert len(problems) == 1
    assert problems[0].startswith(f"sample-course/{name}: {why}")


def test_a_zip_that_is_not_one_course_folder_needs_the_course_named(app_ctx):
    problems = refused(zip_of(folder_files(SAMPLE)))
    assert problems == [
        "the zip does not hold one course folder, so it does not say which course it is: zip "
        "the course folder itself (its name is the course's slug), or import the zip into the "
        "draft course it belongs to"
    ]
    problems = refused(zip_of({"a/course.md": b"x", "b/course.md": b"y"}))
    assert problems[0].startswith("the zip does not hold one course folder")


def test_the_folder_name_must_be_a_slug_and_match_the_course_updated(app_ctx):
    problems = refused(zip_of(folder_files(SAMPLE), "Sample Course/"))
    assert problems[0].startswith("the course folder 'Sample Course' is not a slug")
    archive.import_zip(sample_zip())
    problems = refused(zip_of(folder_files(SAMPLE), "other-course/"), slug="sample-course")
    assert problems == [
        "the zip holds the course folder 'other-course', not 'sample-course': import it as a new "
        "course, or rename the folder to 'sample-course'"
    ]


def test_a_new_course_may_not_take_a_slug_in_use_and_an_update_needs_the_course(app_ctx):
    archive.import_zip(sample_zip())
    assert refused(sample_zip()) == [
        "a draft course 'sample-course' is already in the workspace: import the zip into that "
        "course to update it, or rename the folder in the zip to make a new course"
    ]
    assert refused(zip_of(folder_files(SAMPLE)), slug="no-such-course") == [
        "there is no draft course 'no-such-course' to update"
    ]


# -- Unsafe zips ---------------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused(app_ctx):
    message = (
        "this file is not a zip (or it is damaged): export the course again, or zip the course "
        "folder"
    )
    assert refused(b"PK\3\4 but not really a zip") == [message]
    assert refused(sample_zip()[:-30]) == [message]


def test_a_zip_over_the_size_limit_is_refused_unread(app_ctx):
    assert refused(b"\0" * (archive.MAX_ZIP_BYTES + 1)) == [
        "the zip is 20.0 MB; the limit is 20 MB: leave out large images or make them smaller"
    ]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.md", "the path holds '..', which leads outside the course folder"),
        ("sample-course/../../evil.md", "the path holds '..'"),
        ("/etc/passwd", "the path is absolute (it starts with '/')"),
        ("C:\\x", "the path holds a backslash"),
        ("C:/x.md", "the path starts with a drive letter"),
        ("sample-course\\course.md", "the path holds a backslash"),
        ("sample-course//course.md", "the path has an empty part"),
        ("sample-course/./course.md", "the path has an empty part or a '.' part"),
        ("sample-course/0\x01-x.md", "the path holds a control character"),
    ],
)
def test_a_path_that_could_leave_the_folder_is_refused(app_ctx, name, why):
    files = {f"sample-course/{n}": c for n, c in folder_files(SAMPLE).items()}
    problems = refused(zip_of({**files, name: b"evil"}))
    assert len(problems) == 1
    assert problems[0].startswith(f"{name}: {why}")


def test_a_symbolic_link_is_refused(app_ctx):
    link = (b"../../../etc/passwd", {"external_attr": (stat.S_IFLNK | 0o777) << 16})
    problems = refused(sample_zip({"media/circle.png": link}))
    assert problems == [
        "sample-course/media/circle.png: is a symbolic link, which a course cannot hold: put "
        "the file itself in the zip"
    ]


@pytest.mark.parametrize("kind", [stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK])
def test_any_other_file_that_is_not_a_regular_file_is_refused(app_ctx, kind):
    problems = refused(sample_zip({"03-x.md": (b"", {"external_attr": (kind | 0o644) << 16})}))
    assert problems == [
        "sample-course/03-x.md: is not a regular file or folder: remove it from the zip"
    ]


def test_a_name_that_appears_twice_is_refused(app_ctx):
    files = [(f"sample-course/{n}", c) for n, c in folder_files(SAMPLE).items()]
    files.append(("sample-course/course.md", b"---\ntitle: The other one\n---\n"))
    assert refused(zip_of(files)) == [
        "sample-course/course.md: appears twice in the zip: keep one copy"
    ]


def test_an_encrypted_entry_is_refused(app_ctx):
    data = sample_zip()
    # set the "encrypted" flag of course.md's entry in the central directory
    at = data.index(b"sample-course/course.md", data.index(b"PK\1\2")) - 46
    assert data[at : at + 4] == b"PK\1\2"
    flags = struct.unpack_from("<H", data, at + 8)[0]
    data = data[: at + 8] + struct.pack("<H", flags | 1) + data[at + 10 :]
    assert refused(data) == [
        "sample-course/course.md: is encrypted: zip the course again without a password"
    ]


def test_a_compression_method_other_than_deflate_is_refused(app_ctx):
    data = zip_of(folder_files(SAMPLE), "sample-course/", method=zipfile.ZIP_BZIP2)
    problems = refused(data)
    assert len(problems) == len(folder_files(SAMPLE))
    assert problems[0] == (
        "sample-course/01-first-steps.md: is compressed with a method this app does not read: "
        "zip the course again with the usual (deflate) compression"
    )


def test_too_many_entries_are_refused(app_ctx):
    files = {f"sample-course/media/p{n}.png": b"" for n in range(archive.MAX_ENTRIES + 1)}
    assert refused(zip_of(files)) == [
        "the zip holds 1,001 entries; the limit is 1,000: course.md, code-of-ethics.md, a module "
        "NN-slug.md, a live session sessions/NN-slug.md or an image media/<name>, nothing else"
    ]


def zeros_deflated(megabytes):
    """A raw deflate stream of `megabytes` MB of zeros and its CRC, built from one compressed MB
    repeated (each MB is flushed whole, so every one compresses to the same bytes)."""
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH) == first
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return first * megabytes + compressor.flush(), crc


def bomb_zip(name, megabytes, claimed_size=None):
    """A zip whose one entry unpacks to `megabytes` MB of zeros; its headers claim the true size,
    or `claimed_size` (a lie)."""
    stream, crc = zeros_deflated(megabytes)
    size = megabytes << 20 if claimed_size is None else claimed_size
    encoded = name.encode()
    common = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(stream), size)
    local = b"PK\3\4" + common + struct.pack("<HH", len(encoded), 0) + encoded
    central = (
        b"PK\1\2"
        + struct.pack("<H", 3 << 8 | 20)
        + common
        + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, (stat.S_IFREG | 0o644) << 16, 0)
        + encoded
    )
    end = b"PK\5\6" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local + stream), 0)
    return local + stream + central + end


def test_a_zip_bomb_is_caught_by_counting_the_bytes_unpacked(app_ctx):
    data = bomb_zip("sample-course/media/zeros.png", 1024)  # 1 GB of zeros
    assert len(data) < 1_100_000
    with zipfile.ZipFile(io.BytesIO(data)) as check:  # an honest zip: its header says 1 GB
        assert check.infolist()[0].file_size == 1 << 30
    tracemalloc.start()
    started = time.perf_counter()
    try:
        problems = refused(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == [
        "sample-course/media/zeros.png: the image is larger than 2 MB, the limit: save a smaller "
        "copy (fewer pixels, or JPEG or WebP for a photo)"
    ]
    assert peak < 20 * 1024 * 1024
    assert time.perf_counter() - started < 5


def test_a_bomb_whose_header_lies_about_its_size_is_refused(app_ctx):
    data = bomb_zip("sample-course/03-zeros.md", 8, claimed_size=10)
    problems = refused(data)
    assert len(problems) == 1
    assert problems[0].startswith("sample-course/03-zeros.md: cannot be unpacked (")
    assert problems[0].endswith("): make the zip again")


def test_a_markdown_file_over_the_limit_is_refused_when_unpacked(app_ctx):
    problems = refused(bomb_zip("sample-course/03-zeros.md", 1))
    assert problems == [
        "sample-course/03-zeros.md: the file is larger than 100,000 bytes, the limit for a "
        "course file: split it into two modules"
    ]


def test_the_total_unpacked_is_limited(app_ctx, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1 << 20)
    many = {f"{n:02d}-part.md": b"x" * 95_000 for n in range(3, 15)}  # 12 x 95 kB: 1.1 MB
    problems = refused(sample_zip(many))
    assert len(problems) == 1
    assert re.fullmatch(
        r"the files add up to more than 1 MB unpacked \(the limit\), by "
        r"sample-course/1\d-part\.md: leave out large images or make them smaller",
        problems[0],
    )
