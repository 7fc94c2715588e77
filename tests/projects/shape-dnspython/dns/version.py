"""dnspython release version information."""

MAJOR = 2
MINOR = 7
MICRO = 0
RELEASELEVEL = 0x0F
SERIAL = 0

if RELEASELEVEL == 0x0F:  # pragma: no cover
    #: version
    version = "%d.%d.%d" % (MAJOR, MINOR, MICRO)
elif RELEASELEVEL == 0x00:  # pragma: no cover
    version = "%d.%d.%ddev%d" % (MAJOR, MINOR, MICRO, SERIAL)
elif RELEASELEVEL == 0x0C:  # pragma: no cover
    version = "%d.%d.%drc%d" % (MAJOR, MINOR, MICRO, SERIAL)
else:  # pragma: no cover
    version = "%d.%d.%d%x%d" % (MAJOR, MINOR, MICRO, RELEASELEVEL, SERIAL)

hexversion = MAJOR << 24 | MINOR << 16 | MICRO << 8 | RELEASELEVEL << 4 | SERIAL
