/// The ViTok library of vtkc (see README.md for the architecture).
public enum ViTokLibrary {}
