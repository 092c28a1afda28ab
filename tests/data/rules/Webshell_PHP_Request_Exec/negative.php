<?php
// a normal page: reads a parameter, escapes it, runs nothing
$name = htmlspecialchars($_GET["name"] ?? "world");
echo "Hello, $name";
system("date");
?>
