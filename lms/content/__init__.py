"""Course content as files on disk: reading, checking and rendering it. No Flask in here."""
