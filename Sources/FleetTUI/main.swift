import Common
print(JSONWriter.compactString(["ok": true]))
