import CFFmpeg
import Foundation

/// Reads `VideoInfo` from an opened input and its video stream.
enum VideoInfoProbe {
    static func info(
        input: InputContext, streamIndex: Int, decoder: UnsafePointer<AVCodecContext>, path: String
    ) throws -> VideoInfo {
        let stream = input.stream(streamIndex)
        let par = stream.pointee.codecpar!.pointee
        let timeBase = stream.pointee.time_base
        let isMOV = String(cString: input.pointer.pointee.iformat.pointee.name).hasPrefix("mov,")
        let (frameCount, timestamps) = try countFrames(input: input, streamIndex: streamIndex,
                                                       trustStored: isMOV, path: path)
        let streamDuration = stream.pointee.duration
        var duration = 0.0
        if streamDuration != vtkc_nopts_value(), streamDuration > 0 {
            duration = Double(streamDuration) * av_q2d(timeBase)
        } else if input.pointer.pointee.duration > 0 {
            duration = Double(input.pointer.pointee.duration) / Double(AV_TIME_BASE)
        }
        var rate = frameRate(stream: stream, frameCount: frameCount, duration: duration)
        var variable = isVariableRate(stream)
        // The timestamps themselves, where the frames were counted (every container but
        // MP4/MOV, whose rates come from the sample table): uneven spacing, or an average that
        // disagrees with the stored rate (MKV stores none), is a variable rate, written at
        // the timestamps' average so that the duration is kept.
        if let rhythm = TimestampRhythm(timestamps, timeBase: Rational(timeBase)),
           rhythm.uneven || abs(rhythm.averageRate.doubleValue - rate.doubleValue) > 0.01 * rate.doubleValue {
            variable = true
            rate = snapped(rhythm.averageRate)
        }
        // Outside MP4/MOV the stored durations are often wrong (AVI headers) or cover the
        // audio too (MKV), so the counted frames at the frame rate are the better measure.
        if (!isMOV || duration <= 0), rate.isPositive, frameCount > 0 {
            duration = Double(frameCount) / rate.doubleValue
        }
        var aspect = Rational(av_guess_sample_aspect_ratio(input.pointer, stream, nil)).reduced
        if !aspect.isPositive { aspect = Rational(num: 1, den: 1) }
        var width = Int(par.width > 0 ? par.width : decoder.pointee.width)
        var height = Int(par.height > 0 ? par.height : decoder.pointee.height)
        if let exact = FrameSizeTag.size(in: input.pointer, codedWidth: width, codedHeight: height) {
            (width, height) = exact
        }
        return VideoInfo(
            width: width, height: height, frameCount: frameCount, frameRate: rate,
            duration: duration, rotation: rotation(stream), hasAudio: firstAudioStream(input) != nil,
            codecName: nameOfCodec(par.codec_id), pixelAspect: aspect,
            variableFrameRate: variable)
    }

    /// Average and base rate both known and more than 1% apart (e.g. 750000/71393 against
    /// 90000/1, or 3725/126 against 30000/1001): the frames are not evenly spaced.
    static func isVariableRate(_ stream: UnsafeMutablePointer<AVStream>) -> Bool {
        let average = Rational(stream.pointee.avg_frame_rate).reduced
        let base = Rational(stream.pointee.r_frame_rate).reduced
        guard average.isPositive, base.isPositive else { return false }
        return abs(average.doubleValue - base.doubleValue) > 0.01 * average.doubleValue
    }

    /// Index of the first audio stream, if any.
    static func firstAudioStream(_ input: InputContext) -> Int? {
        (0..<input.streamCount).first {
            input.stream($0).pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO
        }
    }

    /// The average frame rate, else the base rate, else frames over duration, else 25/1.
    /// A rate within 0.01% of a whole number or of an NTSC rate (n x 1000/1001) is taken to be
    /// that rate: AVI stores 15 fps as 1000000/66667 (whole microseconds per frame).
    static func frameRate(stream: UnsafeMutablePointer<AVStream>, frameCount: Int, duration: Double) -> Rational {
        var rate = Rational(num: 25, den: 1)
        let candidates = [stream.pointee.avg_frame_rate, stream.pointee.r_frame_rate].map { Rational($0).reduced }
        if let stored = candidates.first(where: { $0.isPositive && $0.doubleValue < 1000 }) {
            rate = stored
        } else if frameCount > 0, duration > 0 {
            rate = Rational(num: Int((Double(frameCount) / duration * 1000).rounded()), den: 1000).reduced
        }
        return snapped(rate)
    }

    /// `rate`, or the whole or NTSC rate within 0.01% of it.
    static func snapped(_ rate: Rational) -> Rational {
        let value = rate.doubleValue
        for standard in [Rational(num: Int(value.rounded()), den: 1),
                         Rational(num: Int((value * 1.001).rounded()) * 1000, den: 1001)]
        where standard.isPositive && abs(standard.doubleValue - value) <= value * 1e-4 {
            return standard
        }
        return rate
    }

    /// Clockwise display rotation in degrees from the display matrix, snapped to 0/90/180/270.
    static func rotation(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
              size >= 9 * MemoryLayout<Int32>.size else { return 0 }
        let angle = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard angle.isFinite else { return 0 }
        let clockwise = Int((-angle / 90).rounded()) * 90
        return ((clockwise % 360) + 360) % 360
    }

    /// MP4/MOV sample tables store one entry per frame, so their count is exact. Other
    /// containers are demuxed once more (packets only, no decoding); empty packets, which AVI
    /// uses for dropped frames, and packets marked for discarding are not counted. An input
    /// that can be read only once (a pipe) gives the stored count, or 0 when it has none.
    /// The counted packets' timestamps come back too (empty when not counted or incomplete).
    static func countFrames(input: InputContext, streamIndex: Int, trustStored: Bool,
                            path: String) throws -> (count: Int, timestamps: [Int64]) {
        let stored = Int(input.stream(streamIndex).pointee.nb_frames)
        if stored > 0, trustStored { return (stored, []) }
        guard let counter = try input.reopen() else { return (max(stored, 0), []) }
        guard streamIndex < counter.streamCount else { return (max(stored, 0), []) }
        for index in 0..<counter.streamCount where index != streamIndex {
            counter.stream(index).pointee.discard = AVDISCARD_ALL
        }
        let packet = try Packet(path: path)
        var count = 0
        // Presentation timestamps where every packet has one, else decoding timestamps (AVI
        // gives some packets only a dts); none when neither is complete.
        var pts: [Int64] = [], dts: [Int64] = []
        while true {
            let status = av_read_frame(counter.pointer, packet.pointer)
            if status == vtkc_averror_eof() { break }
            try check(status, "count video packets", path)
            let pkt = packet.pointer.pointee
            if Int(pkt.stream_index) == streamIndex, pkt.size > 0, pkt.flags & AV_PKT_FLAG_DISCARD == 0 {
                count += 1
                if pkt.pts != vtkc_nopts_value() { pts.append(pkt.pts) }
                if pkt.dts != vtkc_nopts_value() { dts.append(pkt.dts) }
            }
            av_packet_unref(packet.pointer)
        }
        return (count, pts.count == count ? pts : dts.count == count ? dts : [])
    }

    /// Throws when the file is shorter than its own index says (a truncated download or copy):
    /// MP4/MOV and AVI index every packet's offset and size, and a demuxer would otherwise just
    /// stop early at the cut.
    static func checkNotTruncated(input: InputContext, streams: [Int], path: String) throws {
        guard let io = input.pointer.pointee.pb else { return }
        let fileSize = avio_size(io)
        guard fileSize > 0 else { return }
        var needed: Int64 = 0
        for index in streams {
            let stream = input.stream(index)
            for entry in 0..<avformat_index_get_entries_count(stream) {
                guard let e = avformat_index_get_entry(stream, entry), e.pointee.size > 0 else { continue }
                needed = max(needed, e.pointee.pos + Int64(e.pointee.size))
            }
        }
        if needed > fileSize {
            throw VideoIOError.invalidArgument(path: path, detail:
                "the file is truncated: its index reaches byte \(needed) but the file has \(fileSize) bytes")
        }
    }
}
