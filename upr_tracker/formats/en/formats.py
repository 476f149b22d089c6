"""English dates as UN documents and the site write them: "31 January 2014", "7 Dec 2026 10:00".

Django's own English formats ("Jan. 31, 2014", "12/07/2026 10 a.m.") are American. DATE_FORMAT is also what
the admin shows a date field in; everything else (date-times in the admin, input formats, separators) is
Django's.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
