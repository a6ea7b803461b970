// Swift cannot import FFmpeg's function-like macros; these inline functions stand in for them.
#ifndef VTKC_CFFMPEG_SHIM_H
#define VTKC_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>

static inline int vtkc_averror(int errnum) { return AVERROR(errnum); }
static inline int vtkc_averror_eof(void) { return AVERROR_EOF; }
static inline int vtkc_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int64_t vtkc_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational vtkc_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline int vtkc_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int vtkc_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int vtkc_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }

#endif
