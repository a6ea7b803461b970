import ArgumentParser

/// `vtkc info`: work in progress on a parallel branch; replaced by its owner.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(info: not built yet)")

    func run() throws {
        throw ValidationError("vtkc info is not available in this build")
    }
}
