{
  "targets": [
    {
      "target_name": "tsw_native",
      "sources": ["src/addon.cc", "src/unix-datagram.cc", "src/sd-notify.cc", "src/realtime.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++1y", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Werror"]
    },
    {
      "target_name": "tsw_media",
      "sources": [
        "media/media-addon.cc", "media/engine-wrap.cc", "media/engine-wrap-ports.cc",
        "media/media-engine.cc", "media/bridge.cc", "media/rtp-port.cc", "media/udp-socket.cc",
        "media/memory-port.cc", "media/player-port.cc", "media/recorder-port.cc",
        "media/jitter-buffer.cc", "media/g711.cc", "media/rtp-packet.cc", "media/dtmf-rfc4733.cc",
        "media/wav-file.cc", "media/tone-generator.cc", "media/resampler.cc",
        "media/tdm-port.cc", "media/engine-wrap-tdm.cc",
        "media/dtmf-inband.cc", "media/engine-wrap-dtmf.cc", "media/rtp-codec.cc",
        "media/tone-detector.cc", "media/echo-canceller.cc",
        "media/line-detectors.cc",
        "media/rtcp-packet.cc", "media/rtp-receive-stats.cc", "media/rtcp-session.cc",
        "media/engine-wrap-rtcp.cc", "media/mixer.cc", "media/engine-wrap-mixer.cc",
        "media/g729-codec.cc"
      ],
      "variables": {
        "have_bcg729": "<!(pkg-config --exists libbcg729 && echo 1 || echo 0)"
      },
      "conditions": [
        ["have_bcg729==1", {
          "defines": ["TSW_HAVE_BCG729"],
          "libraries": ["<!@(pkg-config --libs libbcg729)"]
        }]
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(pkg-config --cflags-only-I spandsp speexdsp opus | sed 's/-I//g')"
      ],
      "libraries": ["<!@(pkg-config --libs spandsp speexdsp opus)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++1y", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-Wall", "-Wextra", "-Werror"]
    },
    {
      "target_name": "tsw_tdm",
      "sources": [
        "tdm/tdm-addon.cc", "tdm/tdm-wrap.cc", "tdm/tdm-wrap-controls.cc", "tdm/tdm-names.cc",
        "tdm/syscalls.cc", "tdm/dahdi-driver.cc", "tdm/loop-card.cc", "tdm/loop-core.cc",
        "tdm/loop-line.cc", "tdm/loop-audio.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(pkg-config --cflags-only-I spandsp | sed 's/-I//g')"
      ],
      "libraries": ["<!@(pkg-config --libs spandsp)", "-pthread"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++1y", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-pthread", "-Wall", "-Wextra", "-Werror"]
    },
    {
      "target_name": "tsw_sound",
      "sources": ["sound/sound-addon.cc", "sound/pa-stream.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(pkg-config --cflags-only-I portaudio-2.0 | sed 's/-I//g')"
      ],
      "libraries": ["<!@(pkg-config --libs portaudio-2.0)", "-pthread"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++1y", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-pthread", "-Wall", "-Wextra", "-Werror"]
    }
  ]
}
