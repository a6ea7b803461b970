import CFFmpeg

/// The packets of one audio stream, kept exactly as the demuxer delivered them (not decoded),
/// together with the codec parameters a muxer needs to store them again.
public struct AudioTrack: Sendable, Equatable {
    /// One compressed audio packet.
    public struct Packet: Sendable, Equatable {
        /// Presentation and decoding time in `timeBase` units; nil when the file gives none.
        public var pts: Int64?
        public var dts: Int64?
        /// Duration in `timeBase` units (0 when unknown).
        public var duration: Int64
        /// AVPacket flags (bit 0: key frame).
        public var flags: Int32
        /// The compressed bytes.
        public var data: [UInt8]

        public init(pts: Int64?, dts: Int64?, duration: Int64, flags: Int32, data: [UInt8]) {
            self.pts = pts
            self.dts = dts
            self.duration = duration
            self.flags = flags
            self.data = data
        }
    }

    /// FFmpeg's short codec name, e.g. "aac"; the muxer looks the codec up by this name.
    public var codecName: String
    public var sampleRate: Int
    /// Number of channels.
    public var channels: Int
    /// Bit mask of the channels (AV_CH_* bits) when the layout is a native one, else 0.
    public var channelMask: UInt64
    /// Codec-specific setup bytes (for AAC the AudioSpecificConfig).
    public var extradata: [UInt8]
    /// Samples per packet for fixed-size codecs, else 0.
    public var frameSize: Int
    /// Samples of encoder delay at the start (AAC priming), else 0.
    public var initialPadding: Int
    /// Average bit rate in bits per second, 0 when unknown.
    public var bitRate: Int
    /// Bytes per block for block-based codecs, else 0.
    public var blockAlign: Int
    /// Unit of the packet timestamps.
    public var timeBase: Rational
    public var packets: [Packet]

    /// A track from its parts; `timeBase` must be positive.
    public init(
        codecName: String, sampleRate: Int, channels: Int, channelMask: UInt64 = 0,
        extradata: [UInt8] = [], frameSize: Int = 0, initialPadding: Int = 0, bitRate: Int = 0,
        blockAlign: Int = 0, timeBase: Rational, packets: [Packet] = []
    ) {
        self.codecName = codecName
        self.sampleRate = sampleRate
        self.channels = channels
        self.channelMask = channelMask
        self.extradata = extradata
        self.frameSize = frameSize
        self.initialPadding = initialPadding
        self.bitRate = bitRate
        self.blockAlign = blockAlign
        self.timeBase = timeBase
        self.packets = packets
    }

    /// Codecs this project stores in MP4 with FFmpeg 5.1's muxer without the experimental
    /// flag: AAC, MP3, AC-3, E-AC-3, Opus, ALAC and FLAC. Others (PCM, Vorbis, WMA, ...) are
    /// refused by `VideoWriter`; a caller drops or re-encodes them.
    public static let mp4Codecs: Set<String> = ["aac", "mp3", "ac3", "eac3", "opus", "alac", "flac"]

    /// Whether `VideoWriter` can mux this track into MP4 as it is.
    public var isMP4Compatible: Bool { Self.mp4Codecs.contains(codecName) }

    /// Total duration in seconds covered by the packets' timestamps (0 when empty).
    public var duration: Double {
        guard let first = packets.first?.pts, let last = packets.last else { return 0 }
        return Double((last.pts ?? first) + last.duration - first) * timeBase.doubleValue
    }
}

extension AudioTrack {
    /// The parameters of an audio stream, with no packets yet.
    init(parameters par: UnsafePointer<AVCodecParameters>, timeBase: AVRational) {
        let p = par.pointee
        var extradata: [UInt8] = []
        if let bytes = p.extradata, p.extradata_size > 0 {
            extradata = Array(UnsafeBufferPointer(start: bytes, count: Int(p.extradata_size)))
        }
        let native = p.ch_layout.order == AV_CHANNEL_ORDER_NATIVE
        self.init(
            codecName: nameOfCodec(p.codec_id), sampleRate: Int(p.sample_rate),
            channels: Int(p.ch_layout.nb_channels),
            channelMask: native ? p.ch_layout.u.mask : 0, extradata: extradata,
            frameSize: Int(p.frame_size), initialPadding: Int(p.initial_padding),
            bitRate: Int(p.bit_rate), blockAlign: Int(p.block_align),
            timeBase: Rational(timeBase))
    }

    /// Copies one demuxed packet (its bytes and timing) into the track, moving its timestamps
    /// `shift` time-base units earlier.
    mutating func append(_ packet: UnsafePointer<AVPacket>, shift: Int64 = 0) {
        let pkt = packet.pointee
        let noPTS = vtkc_nopts_value()
        var data: [UInt8] = []
        if let bytes = pkt.data, pkt.size > 0 {
            data = Array(UnsafeBufferPointer(start: bytes, count: Int(pkt.size)))
        }
        packets.append(Packet(
            pts: pkt.pts == noPTS ? nil : pkt.pts - shift, dts: pkt.dts == noPTS ? nil : pkt.dts - shift,
            duration: pkt.duration, flags: pkt.flags, data: data).storable)
    }

    /// Fills a muxer stream's codec parameters from the track. Throws when the codec name is
    /// unknown to this FFmpeg build.
    func fill(_ par: UnsafeMutablePointer<AVCodecParameters>, path: String) throws {
        guard let descriptor = avcodec_descriptor_get_by_name(codecName) else {
            throw VideoIOError.invalidArgument(path: path, detail: "unknown audio codec '\(codecName)'")
        }
        par.pointee.codec_type = AVMEDIA_TYPE_AUDIO
        par.pointee.codec_id = descriptor.pointee.id
        par.pointee.sample_rate = Int32(clamping: sampleRate)
        par.pointee.frame_size = Int32(clamping: frameSize)
        par.pointee.initial_padding = Int32(clamping: initialPadding)
        par.pointee.bit_rate = Int64(bitRate)
        par.pointee.block_align = Int32(clamping: blockAlign)
        av_channel_layout_uninit(&par.pointee.ch_layout)
        if channelMask != 0 {
            try check(av_channel_layout_from_mask(&par.pointee.ch_layout, channelMask),
                      "set audio channel layout", path)
        } else {
            av_channel_layout_default(&par.pointee.ch_layout, Int32(clamping: channels))
        }
        if !extradata.isEmpty {
            let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)
            guard let buffer = av_mallocz(extradata.count + padding) else {
                throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "copy audio extradata", path: path)
            }
            buffer.copyMemory(from: extradata, byteCount: extradata.count)
            par.pointee.extradata = buffer.assumingMemoryBound(to: UInt8.self)
            par.pointee.extradata_size = Int32(extradata.count)
        }
    }
}
