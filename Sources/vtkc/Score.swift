import ArgumentParser

/// `vtkc score`: work in progress on a parallel branch; replaced by its owner.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(score: not built yet)")

    func run() throws {
        throw ValidationError("vtkc score is not available in this build")
    }
}
