import Synchronization
public import TouchtimeCore

/// A session's rendered chimes, keyed by voice: rendered ahead for the first voices a session
/// uses, else when first needed, and kept while they fit in `capacity` bytes, the least recently
/// used let go first. A protocol may give every phase its own pitch: 200 voices would be 200
/// renders and 300 MB held; a session needs only the few it is about to play.
public final class ChimeBank: Sendable {
    private struct Cache {
        var sounds: [ChimeVoice: [Int16]] = [:]
        /// Least recently used first.
        var order: [ChimeVoice] = []
        var bytes = 0
    }

    private let cache = Mutex(Cache())
    public let capacity: Int
    private let renders = Atomic<Int>(0)
    /// One render at a time: a voice asked for while it renders elsewhere (the rest of a plan
    /// rendered in the background as a session starts) is waited for, not rendered twice.
    private let rendering = Mutex(())

    /// 6 MB: every voice of a protocol without its own pitches and volumes (about 3.5 MB), and
    /// room for the next few of one with many.
    public static let defaultCapacity = 6 << 20

    public init(capacity: Int = ChimeBank.defaultCapacity) {
        self.capacity = capacity
    }

    /// Renders ahead (before a session starts) the voices of `plan` in the order they are first
    /// heard, as many as fit (or the first `count`).
    public func prepare(_ plan: ChimePlan, count: Int = .max) {
        var bytes = 0
        for voice in plan.voicesInOrder.prefix(count) {
            let sound = samples(for: voice)
            bytes += sound.count * 2
            if bytes >= capacity { break }
        }
    }

    /// A voice's samples, rendered now if they are not kept.
    public func samples(for voice: ChimeVoice) -> [Int16] {
        if let kept = kept(voice) { return kept }
        return rendering.withLock { _ in kept(voice) ?? render(voice) }
    }

    /// A voice's samples if kept (now the most recently used).
    private func kept(_ voice: ChimeVoice) -> [Int16]? {
        cache.withLock { cache -> [Int16]? in
            guard let sound = cache.sounds[voice] else { return nil }
            if let index = cache.order.firstIndex(of: voice) { cache.order.remove(at: index) }
            cache.order.append(voice)
            return sound
        }
    }

    private func render(_ voice: ChimeVoice) -> [Int16] {
        // The protocol's own file for the kind, else (none, or it has gone since loading) the synthesised one.
        let sound = OwnSound.render(voice) ?? ChimeSynthesizer.render(voice)
        renders.add(1, ordering: .relaxed)
        cache.withLock { cache in
            guard cache.sounds[voice] == nil else { return }
            cache.sounds[voice] = sound
            cache.order.append(voice)
            cache.bytes += sound.count * 2
            while cache.bytes > capacity, cache.order.count > 1 {
                let oldest = cache.order.removeFirst()
                cache.bytes -= (cache.sounds.removeValue(forKey: oldest)?.count ?? 0) * 2
            }
        }
        return sound
    }

    /// How many samples a voice has if it is kept, without rendering it (nil when it is not):
    /// for what must not wait on a render, such as a session's event path.
    public func keptCount(for voice: ChimeVoice) -> Int? {
        cache.withLock { $0.sounds[voice]?.count }
    }

    /// How many renders there have been (a voice let go and needed again is rendered again).
    public var renderCount: Int { renders.load(ordering: .relaxed) }

    /// The bytes of samples kept now.
    public var keptBytes: Int { cache.withLock { $0.bytes } }
}
