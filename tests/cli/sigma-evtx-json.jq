# SPDX-License-Identifier: Apache-2.0
# An EVTX record rendered as JSON (evtx_dump -o json, as SigmaHQ's
# regression_data holds them) in triage's event shape (EVENTS.md,
# windows:evtx:record), for testing triage-detect before triage-parse
# reads EVTX.  $src names the file.
def txt: if type == "object" then (.["#text"] // null) else . end;
def str: txt | if . == null then "" elif type == "string" then . else tojson end;
def leaves: [paths(scalars) as $p | select(($p | map(tostring) | index("#attributes")) == null) | {key: ($p | map(select(type == "string")) | last), value: getpath($p)}] | map(select(.key != null and .key != "#text"));
.Event as $e | $e.System as $s |
($e.EventData // {}) as $d |
(if ($d | type) == "object" then $d else {} end) as $do |
(if $e.EventData == null or ($do.Data | type) == "array" then null else $do end) as $named |
{
  record: "event",
  datetime: $s.TimeCreated["#attributes"].SystemTime,
  timestamp_desc: "Creation Time",
  message: "",
  data_type: "windows:evtx:record",
  parser: "winevtx",
  source: $src,
  path: $src,
  record_number: $s.EventRecordID,
  event_identifier: ($s.EventID | txt),
  event_version: $s.Version,
  event_level: $s.Level,
  source_name: $s.Provider["#attributes"].Name,
  provider_identifier: $s.Provider["#attributes"].Guid,
  channel: $s.Channel,
  computer_name: $s.Computer,
  hostname: $s.Computer,
  user_sid: ($s.Security["#attributes"].UserID // null),
  strings: (if ($do.Data | type) == "array" then [$do.Data[] | str]
            elif $named != null then [$named | to_entries[] | select(.key != "#attributes") | .value | str]
            else [] end),
  event_data: (if $named != null then ($named | with_entries(select(.key != "#attributes") | .value |= str))
               elif $e.UserData != null then ($e.UserData | leaves | map(.value |= str) | from_entries)
               else {} end)
} | with_entries(select(.value != null))
