import ArgumentParser

/// `vtkc bench`: work in progress on a parallel branch; replaced by its owner.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(bench: not built yet)")

    func run() throws {
        throw ValidationError("vtkc bench is not available in this build")
    }
}
