"""Per-language date formats where Django's own are not what the site writes (settings.FORMAT_MODULE_PATH).

French and Spanish use Django's ("31 janvier 2014", "31 de enero de 2014"); see en/formats.py.
"""
