/// The version of this build, shown by `knooppunt --version`, `/api/node/v1/info` and `/metrics`.
public enum SoftwareVersion {
    public static let current = "0.1.0"
}
