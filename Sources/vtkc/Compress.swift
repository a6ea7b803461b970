import ArgumentParser

/// `vtkc compress`: work in progress on a parallel branch; replaced by its owner.
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(compress: not built yet)")

    func run() throws {
        throw ValidationError("vtkc compress is not available in this build")
    }
}
