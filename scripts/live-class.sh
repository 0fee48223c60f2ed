#!/usr/bin/env bash
# A demo live class: ffmpeg as a classroom's live HLS encoder, following the EduTV profile
# (tv_backend/media/profile.py: H.264 Main 3.1, 25 fps, closed 2 s GOP with an IDR at every
# segment, no B-frames; AAC-LC 48 kHz stereo; 2 s MPEG-TS segments), two renditions named as
# the channels' ladder names them (180p, 360p), so the relay splices them cleanly.
#
# It writes into $TV_MEDIA_DIR/live/<name>/ (master.m3u8, 180p/index.m3u8, 360p/index.m3u8),
# which the backend serves at /media/live/<name>/ when TV_SERVE_MEDIA is on (the default), so
# the upstream URL is http://<backend>/media/live/<name>/master.m3u8.
#
#   scripts/live-class.sh [name] [input]
#     name   default "class1"
#     input  default: a test pattern with a clock and a tone (testsrc2 + sine);
#            a file (a recorded lesson) is looped in real time instead.
#
# Point a live programme at it (its own slot on a channel, live=yes, source=the URL):
#   * XMLTV: in the <programme>, <episode-num system="edutv.live">yes</episode-num> and
#     <url system="edutv.source">http://127.0.0.1:8000/media/live/class1/master.m3u8</url>,
#     then `.venv/bin/edutv epg import --merge guide.xml`;
#   * or the operator API (docs/epg-api.md) with "live": true, "source": "<the URL>".
# While it runs, /live/<channel>/<rendition>.m3u8 relays it; stop it (Ctrl-C) and the channel
# falls back to the programme's recorded lesson within about 6 s; start it again and the relay
# returns. Attendance: GET /live/<channel>/attendance?programme=<start ISO 8601>.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-class1}"
input="${2:-}"
media_dir="$(.venv/bin/python -c 'from tv_backend.settings import Settings; print(Settings.from_env().resolved_media_dir)')"
out="$media_dir/live/$name"
rm -rf "$out"
mkdir -p "$out/180p" "$out/360p"

if [ -n "$input" ]; then
  source_args=(-re -stream_loop -1 -i "$input")
  audio_map=(-map 0:a:0 -map 0:a:0)
  video_in="[0:v]"
else
  source_args=(-re -f lavfi -i "testsrc2=size=640x360:rate=25"
               -re -f lavfi -i "sine=frequency=440:sample_rate=48000")
  audio_map=(-map 1:a -map 1:a)
  video_in="[0:v]"
fi

x264="stitchable=1:cabac=1:ref=1:weightp=0:bframes=0:keyint=50:min-keyint=50:scenecut=0"
echo "live class '$name': $out (upstream: http://${TV_BIND:-127.0.0.1:8000}/media/live/$name/master.m3u8)"
exec ffmpeg -hide_banner -loglevel warning "${source_args[@]}" \
  -filter_complex "${video_in}fps=25,split=2[a][b];[a]scale=320:180,setsar=1[v180];[b]scale=640:360,setsar=1[v360]" \
  -map "[v180]" -map "[v360]" "${audio_map[@]}" \
  -c:v libx264 -preset veryfast -tune zerolatency -x264-params "$x264" \
  -profile:v main -level:v 3.1 -pix_fmt yuv420p -r 25 \
  -force_key_frames "expr:gte(t,n_forced*2)" \
  -b:v:0 200k -maxrate:v:0 220k -bufsize:v:0 400k \
  -b:v:1 700k -maxrate:v:1 770k -bufsize:v:1 1400k \
  -c:a aac -b:a 96k -ar 48000 -ac 2 \
  -f hls -hls_time 2 -hls_list_size 6 -hls_flags delete_segments+independent_segments \
  -hls_segment_type mpegts -master_pl_name master.m3u8 \
  -var_stream_map "v:0,a:0,name:180p v:1,a:1,name:360p" \
  -hls_segment_filename "$out/%v/seg_%05d.ts" "$out/%v/index.m3u8"
