// LOCAL STUB — NOT COMMITTED (main lacks these types until the gather branch lands)
import Common
struct HostFactsTask: GatherTask { let root: SystemRoot; var name: TaskName { .host }; func scrape(_ c: ScrapeContext) throws -> ScrapeOutput { ScrapeOutput(data: .object(JSONObject())) } }
struct DaemonListTask: GatherTask { let root: SystemRoot; let dataDir: String; let fsid: String?; var name: TaskName { .daemons }; func scrape(_ c: ScrapeContext) throws -> ScrapeOutput { ScrapeOutput(data: .array([])) } }
struct DiskInventoryTask: GatherTask { let root: SystemRoot; let cephVolume: String?; var name: TaskName { .disks }; func scrape(_ c: ScrapeContext) throws -> ScrapeOutput { ScrapeOutput(data: .array([])) } }
