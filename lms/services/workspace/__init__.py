"""The course workspace: draft courses written in the browser, with every revision kept, checked,
previewed and published one course at a time, and moved in and out as zips of a course folder."""
