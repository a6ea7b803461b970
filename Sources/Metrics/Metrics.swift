/// The Metrics library of vtkc (see README.md for the architecture).
public enum MetricsLibrary {}
