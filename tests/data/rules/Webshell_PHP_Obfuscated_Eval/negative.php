<?php
// decodes a config blob, never evaluates it
$cfg = json_decode(base64_decode($blob), true);
$data = gzinflate($raw);
?>
