import ArgumentParser

/// `vtkc expand`: work in progress on a parallel branch; replaced by its owner.
struct Expand: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(expand: not built yet)")

    func run() throws {
        throw ValidationError("vtkc expand is not available in this build")
    }
}
