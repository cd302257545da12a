import Foundation
import Logging
import OverdueCore
import OverdueSpool
import OverdueTransports

extension Dispatcher {
    /// After a reload (which may have fixed the password or the relay):
    /// paused channels are tried at the next pass, not after their pause.
    package func resumePausedChannels() { manager.resumeAll() }

    /// One `channel_paused` line (and one journal error) per pause the
    /// delivery queue made, one `channel_resumed` when a paused channel
    /// delivers again; `run/channels.json` keeps what `status` shows.
    func channelPauseLines(after outcomes: [(channel: Channel, outcome: DeliveryOutcome)]) -> [LogEntry] {
        let pauses = manager.takePauses()
        // The hot path: nothing paused, nothing resumed, no file read.
        guard !pauses.isEmpty || outcomes.contains(where: { pausedChannels.contains($0.channel) }) else { return [] }
        let now = clock.now()
        var status = ChannelStatus.read(spool)
        let before = status
        var entries: [LogEntry] = []
        for pause in pauses {
            let name = pause.channel.rawValue
            status.paused[name] = ChannelStatus.Pause(since: status.paused[name]?.since ?? now, until: pause.until, reason: pause.reason)
            entries.append(LogEntry(time: now, event: "channel_paused", fields: [
                "channel": .string(name), "until": .string(Timestamp.format(pause.until)),
                "detail": .string("\(pause.reason); no message on \(name) is tried before \(Timestamp.format(pause.until)), then one is"),
            ]))
            logger.error("channel paused: every message on it would fail the same way",
                         metadata: ["delivery.channel": "\(name)", "channel.until": "\(Timestamp.format(pause.until))",
                                    "channel.reason": "\(pause.reason)"])
        }
        for (channel, outcome) in outcomes {
            guard case .sent = outcome, let pause = status.paused.removeValue(forKey: channel.rawValue) else { continue }
            entries.append(LogEntry(time: now, event: "channel_resumed", fields: [
                "channel": .string(channel.rawValue),
                "detail": .string("delivering again (paused since \(Timestamp.format(pause.since)): \(pause.reason))"),
            ]))
        }
        pausedChannels = Set(status.paused.keys.compactMap(Channel.init(rawValue:)))
        if status != before {
            do { try status.write(spool) } catch { logger.warning("cannot write the channel status", metadata: ["error": "\(error)"]) }
        }
        return entries
    }
}
