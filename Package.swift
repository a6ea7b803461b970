// swift-tools-version:6.0
// vtkc: a codec-style command-line tool around the ViTok S-B/4x8 video tokenizer.
import PackageDescription

/// Release builds need a real CPU target: the x86-64 baseline makes SIMD and Float16 code
/// 10-100x slower. haswell (AVX2, FMA, F16C) runs on every x86-64 CPU of the last decade;
/// OpenBLAS picks its own kernels at run time. Every module keeps Swift's checks (bounds,
/// overflow) in release builds: the ones that parse untrusted bytes (VTKFormat, SafeTensors,
/// VideoIO, Codec) must trap, never run on past a missed check.
let cpuFlags: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"]),
    .unsafeFlags(["-wmo"], .when(configuration: .release)),
]

/// The numeric kernels (the ViTok engine and the metric networks), which read no file bytes
/// themselves, drop the checks in release builds (README, "Checked builds", has the measured
/// gain) and are optimised in debug builds too: unoptimised SIMD code is 10-100x slower, which
/// would make the engine tests at the real model's shapes take minutes.
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"]),
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
    name: "vtkc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vtkc", targets: ["vtkc"]),
        .library(name: "SafeInput", targets: ["SafeInput"]),
        .library(name: "SafeOutput", targets: ["SafeOutput"]),
        .library(name: "VideoIO", targets: ["VideoIO"]),
        .library(name: "SafeTensors", targets: ["SafeTensors"]),
        .library(name: "Installation", targets: ["Installation"]),
        .library(name: "ViTok", targets: ["ViTok"]),
        .library(name: "VTKFormat", targets: ["VTKFormat"]),
        // The .vtk reader behind a C ABI, for vtkc_py (ctypes): libvtkformat.so.
        .library(name: "vtkformat", type: .dynamic, targets: ["VTKFormatABI"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "Codec", targets: ["Codec"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Research", targets: ["Research"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shims: the system libraries, found through pkg-config.
        .systemLibrary(
            name: "CFFmpeg", path: "Sources/CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libswresample libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev",
                              "libswresample-dev", "libavutil-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // oneDNN for the int8 engine; Debian ships no pkg-config file for it.
        .systemLibrary(
            name: "CDNNL", path: "Sources/CDNNL",
            providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),

        // Libraries, one concern each.
        .target(name: "SafeInput", swiftSettings: cpuFlags),
        .target(name: "SafeOutput", swiftSettings: cpuFlags),
        .target(name: "VideoIO", dependencies: ["CFFmpeg", "SafeInput"], swiftSettings: cpuFlags),
        .target(name: "SafeTensors", dependencies: ["SafeInput"], swiftSettings: cpuFlags),
        .target(name: "Installation", swiftSettings: cpuFlags),
        .target(name: "ViTok", dependencies: ["CDNNL", "COpenBLAS", "Installation", "SafeTensors"],
                swiftSettings: kernelFlags),
        .target(name: "VTKFormat", dependencies: ["SafeInput"], swiftSettings: cpuFlags),
        .target(name: "VTKFormatABI", dependencies: ["VTKFormat"], swiftSettings: cpuFlags),
        .target(name: "Metrics", dependencies: ["COpenBLAS", "Installation", "SafeTensors", "VideoIO"],
                swiftSettings: kernelFlags),
        .target(name: "Codec",
                dependencies: ["CCrypto", "SafeInput", "SafeOutput", "SafeTensors", "VideoIO", "ViTok", "VTKFormat"],
                swiftSettings: cpuFlags),
        // The batch and dataset side on top of the clip codec: input catalogs, shards, batch
        // compress and its report, latent export and webdataset tar shards.
        .target(name: "Datasets",
                dependencies: ["Codec", "SafeInput", "SafeOutput", "SafeTensors", "VideoIO", "VTKFormat"],
                swiftSettings: cpuFlags),
        // Research tooling on top of the codec (the tile-seam study behind `vtkc seams`).
        .target(name: "Research", dependencies: ["Codec", "Metrics", "VideoIO", "VTKFormat"],
                swiftSettings: cpuFlags),

        // The thin command-line front end.
        .executableTarget(
            name: "vtkc",
            dependencies: [
                "Installation", "SafeInput", "SafeOutput", "VideoIO", "ViTok", "VTKFormat", "Metrics", "Codec", "Datasets",
                "Research",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: cpuFlags),

        // Benchmarks that need the package's libraries (scripts/bench.py builds them in release).
        .executableTarget(name: "I3DBench", dependencies: ["Installation", "Metrics"],
                          path: "Benchmarks/I3DBench", swiftSettings: cpuFlags),

        .testTarget(name: "SafeOutputTests", dependencies: ["SafeInput", "SafeOutput"], swiftSettings: cpuFlags),
        .testTarget(name: "VideoIOTests", dependencies: ["VideoIO"], swiftSettings: cpuFlags),
        .testTarget(name: "ViTokTests", dependencies: ["ViTok"],
                    resources: [.copy("Fixtures")], swiftSettings: cpuFlags),
        // The portable FIPS 180-4 SHA-256, the oracle the libcrypto digest is tested against.
        .target(name: "SHA256Oracle", path: "Tests/SHA256Oracle", swiftSettings: cpuFlags),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors"], swiftSettings: cpuFlags),
        .testTarget(name: "VTKFormatTests", dependencies: ["SHA256Oracle", "VTKFormat"],
                    resources: [.copy("Fixtures")], swiftSettings: cpuFlags),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "VideoIO"],
                    resources: [.copy("Fixtures")], swiftSettings: cpuFlags),
        .testTarget(name: "CodecTests",
                    dependencies: ["Codec", "Datasets", "SafeOutput", "SHA256Oracle", "VideoIO", "ViTok", "VTKFormat"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "ResearchTests", dependencies: ["Codec", "Research", "VideoIO"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "CLITests", dependencies: ["vtkc", "Codec", "SafeOutput", "VideoIO", "VTKFormat"],
                    swiftSettings: cpuFlags),
    ]
)
