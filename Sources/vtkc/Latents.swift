import ArgumentParser

/// `vtkc latents`: work in progress on a parallel branch; replaced by its owner.
struct Latents: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(latents: not built yet)")

    func run() throws {
        throw ValidationError("vtkc latents is not available in this build")
    }
}
