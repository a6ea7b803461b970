import Foundation

/// The default thread count of everything vtkc computes (the engine, the metrics, I3D):
/// every core this process may use. One definition, so a library user and the command line
/// get the same default; outputs do not depend on the count.
public enum Cores {
    public static var available: Int { ProcessInfo.processInfo.activeProcessorCount }
}
