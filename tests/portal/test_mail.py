"""portal.mail: the e-mail copy of an alert or a notice is sent to whoever there is, and a mail
server that fails never fails the work that prompted it (the page holds the same message)."""

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from portal.mail import mail_copy


class RefusingServer(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP 127.0.0.1:25 refused")


def test_the_copy_goes_once_to_each_address_given_and_blanks_are_dropped():
    assert mail_copy("【测试】代扣结果", "正文", ["b@x.cn", "", "a@x.cn", "b@x.cn"]) is True
    assert [m.to for m in mail.outbox] == [["a@x.cn", "b@x.cn"]]
    assert mail.outbox[0].subject == "【测试】代扣结果"


def test_with_nobody_to_tell_nothing_is_sent():
    assert mail_copy("【测试】", "正文", ["", ""]) is False
    assert mail_copy("【测试】", "正文", []) is False
    assert mail.outbox == []


def test_a_mail_server_that_is_down_is_logged_not_raised(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingServer"
    assert mail_copy("【测试】代扣文件发送失败", "正文", ["a@x.cn"]) is False
    assert "e-mail failed: 【测试】代扣文件发送失败" in caplog.text
