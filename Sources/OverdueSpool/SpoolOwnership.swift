import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// Who may write the spool: its owner (the service user). Root running a
/// command that writes it becomes the owner first, as Postfix's commands
/// do, so `sudo overdue run --once` can never leave root-owned files that
/// the service then cannot write. Anyone else is refused with the way out.
public enum SpoolOwnership {
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Called before a command touches the spool. `othersMayDrop`: a
    /// command that only drops a file into the inbox (the finance team's
    /// group may) is not refused for another user.
    public static func adopt(spoolDirectory path: String, othersMayDrop: Bool = false) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // not created yet: whoever creates it owns it
        let me = geteuid()
        if me == info.st_uid { return }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) }
        if me == 0 {
            // The owner's own groups (the spool's group among them), then its uid: no way back to root.
            let gid = getpwuid(info.st_uid).map { $0.pointee.pw_gid } ?? info.st_gid
            guard (owner.map { initgroups($0, gid) } ?? setgroups(0, nil)) == 0, setgid(gid) == 0, setuid(info.st_uid) == 0 else {
                throw Refused(description: "cannot switch to the spool's owner \(owner ?? "uid \(info.st_uid)") (errno \(errno)); run the command as that user")
            }
            return
        }
        if othersMayDrop { return }
        let name = owner ?? "uid \(info.st_uid)"
        throw Refused(description: "the spool \(path) belongs to \(name); run this as that user (sudo -u \(name) overdue …) or as root, which switches to it, so no file in the spool gets another owner")
    }
}

extension SpoolOwnership.Refused: OverdueError {
    public var code: ErrorCode { .spoolOwner }
}
