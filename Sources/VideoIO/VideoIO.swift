/// The VideoIO library of vtkc (see README.md for the architecture).
public enum VideoIOLibrary {}
