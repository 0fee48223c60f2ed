"""Media for EduTV: the bundled font, posters, title cards and adaptive HLS ladders.

Modules:
    fonts       where the bundled CJK font lives
    typesetting Pillow text fitting and backgrounds shared by posters and cards
    posters     16:9 JPEG posters for the catalog
    cards       lesson title cards (PNG) that open every lesson video
    profile     the one encoding profile: renditions, GOP, audio, timeline arithmetic
    transcode   running ffmpeg and ffprobe
    playlists   HLS (RFC 8216) playlists and WebVTT
    mpegts      continuity-counter rewriting, so separately encoded segments join cleanly
    staging     build-in-a-temporary-directory-then-rename
    bodies      the shared, pre-encoded lesson bodies
    ladder      ``build_lessons``: a lesson = its own title card + a shared body
    probe       ffprobe as data (tests, diagnostics)

Exceptions::

    MediaError              ffmpeg/ffprobe missing or failing, unreadable media
"""


class MediaError(Exception):
    """An external media tool is missing or failed; the message carries its stderr tail."""
