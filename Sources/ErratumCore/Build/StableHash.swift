/// A 128-bit fingerprint of a build input, the same in every process and on every run
/// (unlike Swift's `Hasher`, which is seeded per process).
///
/// It is not cryptographic: it tells a build cache whether an input changed, where the chance
/// of two different inputs sharing a fingerprint is about one in 2^64 for a million keys.
public struct Digest: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The fingerprint of some bytes.
    public static func of(_ bytes: some Sequence<UInt8>) -> Digest {
        var hasher = StableHasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    public var description: String {
        String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
    }

    public static func < (lhs: Digest, rhs: Digest) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// Feeds values into a `Digest`. Every value is framed (strings by their length, optionals and
/// lists by a tag and count), so `("ab", "c")` and `("a", "bc")` differ.
public struct StableHasher: Sendable {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var length: UInt64 = 0

    public init() {}

    /// Mixes one 64-bit word into both lanes, each with its own multiplier and rotation.
    private mutating func mix(_ word: UInt64) {
        a = ((a ^ word) &* 0x0000_0100_0000_01B3).rotatedLeft(by: 29) &+ b
        b = ((b ^ (word &* 0x9FB2_1C65_1E98_DF25)) &* 0xFF51_AFD7_ED55_8CCD).rotatedLeft(by: 31) &+ a
        length &+= 1
    }

    public mutating func combine(bytes: some Sequence<UInt8>) {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ combine(contiguous: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        var word: UInt64 = 0
        var count: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            word |= UInt64(byte) << shift
            shift += 8
            count += 1
            if shift == 64 {
                mix(word)
                word = 0
                shift = 0
            }
        }
        mix(word ^ (count << 56))
        mix(count)
    }

    /// `combine(bytes:)` for bytes in memory: whole words are loaded eight bytes at a time,
    /// little-endian, which is how the byte loop assembles them, so both give the same digest.
    private mutating func combine(contiguous bytes: UnsafeRawBufferPointer) {
        let whole = bytes.count / 8 * 8
        var offset = 0
        while offset < whole {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            word |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        let count = UInt64(bytes.count)
        mix(word ^ (count << 56))
        mix(count)
    }

    public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(bytes: $0) }
    }

    public mutating func combine(_ text: String?) {
        if let text { mix(1); combine(text) } else { mix(0) }
    }

    public mutating func combine(_ number: Int) { mix(UInt64(bitPattern: Int64(number))) }

    public mutating func combine(_ flag: Bool) { mix(flag ? 0xB0 : 0xB1) }

    public mutating func combine(_ digest: Digest) {
        mix(digest.high)
        mix(digest.low)
    }

    public mutating func combine(_ texts: [String]) {
        combine(texts.count)
        for text in texts { combine(text) }
    }

    /// The fingerprint of everything combined so far.
    public func finalize() -> Digest {
        Digest(high: Self.avalanche(a ^ length), low: Self.avalanche(b &+ a))
    }

    /// MurmurHash3's finaliser: every input bit flips about half the output bits.
    private static func avalanche(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
