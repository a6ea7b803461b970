import COpenBLAS
import Foundation

/// Errors of the Frechet distance.
public struct FrechetDistanceError: LocalizedError, Sendable {
    /// What is wrong with the inputs.
    public let message: String

    public var errorDescription: String? { message }
}

/// Frechet distance between two Gaussians fitted to feature sets (the FID/FVD formula):
/// |mu1 - mu2|^2 + Tr(S1) + Tr(S2) - 2 Tr((S1 S2)^1/2).
///
/// Covariances are unbiased (divide by n - 1), as `numpy.cov` in the reference FID/FVD code.
/// Tr((S1 S2)^1/2) is computed as the sum of square roots of the eigenvalues of the symmetric
/// positive semi-definite matrix S1^1/2 S2 S1^1/2, which has the same spectrum as S1 S2; both
/// eigenproblems use LAPACK's dsyevd in double precision, and eigenvalues that rounding leaves
/// slightly negative count as zero. This stays stable when the covariances are singular (fewer
/// samples than dimensions), where an iterative `sqrtm` of S1 S2 can lose accuracy.
public enum FrechetDistance {
    /// The distance between feature sets `a` and `b` (rows are samples, all rows the same length).
    /// Each set needs at least 2 samples.
    public static func compute(_ a: [[Double]], _ b: [[Double]]) throws -> Double {
        vtkc_blas_single_threaded()
        let (meanA, covA) = try moments(a, label: "first")
        let (meanB, covB) = try moments(b, label: "second")
        guard meanA.count == meanB.count else {
            throw FrechetDistanceError(message: "feature sets differ in dimension: \(meanA.count) vs \(meanB.count)")
        }
        let d = meanA.count
        var meanTerm = 0.0
        for i in 0..<d { meanTerm += (meanA[i] - meanB[i]) * (meanA[i] - meanB[i]) }
        var traces = 0.0
        for i in 0..<d { traces += covA[i * d + i] + covB[i * d + i] }
        let cross = try traceSqrtProduct(covA, covB, d: d)
        return meanTerm + traces - 2 * cross
    }

    /// Mean and unbiased covariance (d x d, row-major) of the rows of `x`.
    static func moments(_ x: [[Double]], label: String) throws -> ([Double], [Double]) {
        guard x.count >= 2 else {
            throw FrechetDistanceError(message: "the \(label) feature set has \(x.count) sample(s); "
                                       + "a covariance needs at least 2")
        }
        let d = x[0].count
        guard d > 0, x.allSatisfy({ $0.count == d }) else {
            throw FrechetDistanceError(message: "the \(label) feature set has rows of different or zero length")
        }
        guard x.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw FrechetDistanceError(message: "the \(label) feature set holds NaN or infinite values")
        }
        let n = x.count
        var mean = [Double](repeating: 0, count: d)
        for row in x { for j in 0..<d { mean[j] += row[j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        var centred = [Double](repeating: 0, count: n * d)
        for (i, row) in x.enumerated() { for j in 0..<d { centred[i * d + j] = row[j] - mean[j] } }
        var cov = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n),
                    1 / Double(n - 1), centred, Int32(d), centred, Int32(d), 0, &cov, Int32(d))
        return (mean, cov)
    }

    /// Tr((S1 S2)^1/2) = sum of sqrt(eigenvalues of S1^1/2 S2 S1^1/2).
    static func traceSqrtProduct(_ s1: [Double], _ s2: [Double], d: Int) throws -> Double {
        var vectors = s1
        let values = try symmetricEigen(&vectors, d: d, wantVectors: true)
        let floor = (values.last ?? 0) * Double(d) * Double.ulpOfOne
        // S1^1/2 = V diag(sqrt(max(l, 0))) V^T; scale V's columns, then multiply by V^T.
        var scaled = vectors
        for col in 0..<d {
            let root = values[col] > floor ? values[col].squareRoot() : 0
            for row in 0..<d { scaled[row * d + col] *= root }
        }
        var root1 = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(d), Int32(d), Int32(d),
                    1, scaled, Int32(d), vectors, Int32(d), 0, &root1, Int32(d))
        var temp = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d),
                    1, root1, Int32(d), s2, Int32(d), 0, &temp, Int32(d))
        var middle = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d),
                    1, temp, Int32(d), root1, Int32(d), 0, &middle, Int32(d))
        for i in 0..<d {
            for j in (i + 1)..<d {
                let average = (middle[i * d + j] + middle[j * d + i]) / 2
                (middle[i * d + j], middle[j * d + i]) = (average, average)
            }
        }
        let eigenvalues = try symmetricEigen(&middle, d: d, wantVectors: false)
        // Eigenvalues below d * eps * largest are rounding noise of a singular matrix (fewer
        // samples than dimensions); their square roots (about sqrt(eps)) would add up to a
        // visible bias, so they count as zero.
        let noise = (eigenvalues.last ?? 0) * Double(d) * Double.ulpOfOne
        return eigenvalues.reduce(0) { $0 + ($1 > noise ? $1.squareRoot() : 0) }
    }

    /// Eigenvalues (ascending) of the symmetric d x d matrix `a` (row-major; for a symmetric
    /// matrix the same as column-major); with `wantVectors`, `a` is replaced by the eigenvectors
    /// as its columns (LAPACK writes them as columns of a column-major matrix, which row-major
    /// storage sees as rows: hence the transpose).
    static func symmetricEigen(_ a: inout [Double], d: Int, wantVectors: Bool) throws -> [Double] {
        var n = Int32(d), lda = Int32(d), info: Int32 = 0
        var values = [Double](repeating: 0, count: d)
        var jobzArg = CChar(UInt8(ascii: wantVectors ? "V" : "N"))
        var uploArg = CChar(UInt8(ascii: "U"))
        var workQuery = 0.0, iworkQuery: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        dsyevd_(&jobzArg, &uploArg, &n, &a, &lda, &values, &workQuery, &lwork, &iworkQuery, &liwork,
                &info, 1, 1)
        guard info == 0 else {
            throw FrechetDistanceError(message: "LAPACK dsyevd workspace query failed (info \(info))")
        }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Swift.max(1, Int(liwork)))
        dsyevd_(&jobzArg, &uploArg, &n, &a, &lda, &values, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else {
            throw FrechetDistanceError(message: "LAPACK dsyevd did not converge (info \(info)); "
                                       + "are the features finite and not degenerate?")
        }
        if wantVectors {
            for i in 0..<d { for j in (i + 1)..<d { a.swapAt(i * d + j, j * d + i) } }
        }
        return values
    }
}
