<%@ Page Language="C#" %>
<script runat="server">
  protected void Page_Load(object s, EventArgs e) { Label1.Text = Server.HtmlEncode(Request.Form["name"]); }
</script>
