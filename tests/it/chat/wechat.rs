//! WeChat Official Account in safe mode through `/webhooks/wechat`: the published vectors, a
//! whole questionnaire, retries, bad requests, binding by code / QR scene / roster OpenID,
//! hand-over to the web form and back, and concurrent messages from one user.
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::Method;
use gradtrace::bot::adapters::wechat::{self, AesKey};
use gradtrace::store::entities::{chat_binding, graduate, response};
use gradtrace::survey::Answer;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};

use super::support::*;

/// A WeChat user's phone: builds signed, encrypted pushes and reads the passive replies.
pub struct Wx<'a> {
    pub app: &'a ChatApp,
    pub key: AesKey,
    next_id: AtomicU64,
}

/// A passive reply, decrypted.
#[derive(Debug)]
pub struct WxReply {
    pub status: u16,
    pub to: String,
    pub content: String,
}

pub fn xml_field(xml: &str, name: &str) -> Option<String> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    let raw = &xml[start..end];
    Some(
        raw.trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .to_string(),
    )
}

impl<'a> Wx<'a> {
    pub fn new(app: &'a ChatApp) -> Wx<'a> {
        Wx {
            app,
            key: AesKey::from_encoding_key(WX_AES_KEY).expect("key"),
            next_id: AtomicU64::new(7_000_000_000_000_000_000),
        }
    }

    pub fn text_xml(&self, from: &str, content: &str) -> (String, u64) {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        (text_xml(from, content, id, self.app.now_ts()), id)
    }

    /// POSTs an inner XML encrypted and signed as WeChat does (safe mode).
    pub async fn post(&self, inner: &str) -> WxReply {
        let ts = self.app.now_ts().to_string();
        let nonce = "461056294";
        let encrypt = self
            .key
            .encrypt(inner.as_bytes(), WX_APP_ID, rand::random());
        self.post_envelope(&ts, nonce, &encrypt, None).await
    }

    pub async fn post_envelope(
        &self,
        ts: &str,
        nonce: &str,
        encrypt: &str,
        msg_signature: Option<&str>,
    ) -> WxReply {
        let sig = wechat::signature(&[WX_TOKEN, ts, nonce]);
        let msg_sig = msg_signature
            .map(str::to_string)
            .unwrap_or_else(|| wechat::signature(&[WX_TOKEN, ts, nonce, encrypt]));
        let body = format!(
            "<xml><ToUserName><![CDATA[gh_b1eb3f8bd6c6]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        );
        let uri = format!(
            "/webhooks/wechat?signature={sig}&timestamp={ts}&nonce={nonce}&openid=o&encrypt_type=aes&msg_signature={msg_sig}"
        );
        let (status, bytes) = self
            .app
            .call(Method::POST, &uri, &[], body.into_bytes())
            .await;
        let body = String::from_utf8(bytes).expect("utf-8");
        let Some(enc) = xml_field(&body, "Encrypt") else {
            return WxReply {
                status,
                to: String::new(),
                content: body,
            };
        };
        // The reply is signed over our token, its timestamp and nonce, and the ciphertext.
        let r_ts = xml_field(&body, "TimeStamp").expect("TimeStamp");
        let r_nonce = xml_field(&body, "Nonce").expect("Nonce");
        assert_eq!(
            xml_field(&body, "MsgSignature").expect("MsgSignature"),
            wechat::signature(&[WX_TOKEN, &r_ts, &r_nonce, &enc])
        );
        let inner = self.key.decrypt(&enc, WX_APP_ID).expect("decrypts");
        let inner = String::from_utf8(inner.msg).expect("utf-8");
        WxReply {
            status,
            to: xml_field(&inner, "ToUserName").expect("ToUserName"),
            content: xml_field(&inner, "Content").expect("Content"),
        }
    }

    pub async fn say(&self, from: &str, content: &str) -> WxReply {
        let (xml, _) = self.text_xml(from, content);
        self.post(&xml).await
    }
}

pub fn text_xml(from: &str, content: &str, msg_id: u64, ts: i64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_b1eb3f8bd6c6]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )
}

pub fn event_xml(from: &str, event: &str, key: Option<&str>, ts: i64) -> String {
    let key = key
        .map(|k| format!("<EventKey><![CDATA[{k}]]></EventKey><Ticket><![CDATA[T]]></Ticket>"))
        .unwrap_or_default();
    format!(
        "<xml><ToUserName><![CDATA[gh_b1eb3f8bd6c6]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key}</xml>"
    )
}

/// Answers the consent and every question with the scripted replies; returns the last reply.
pub async fn answer_all(wx: &Wx<'_>, user: &str, start: WxReply) -> WxReply {
    let mut reply = start;
    for _ in 0..40 {
        if reply.content.contains("问卷已全部完成") {
            return reply;
        }
        assert_eq!(reply.status, 200, "{reply:?}");
        let st = wx.app.state("wechat", user).await.expect("state");
        let text = if reply.content.contains("您是否同意") {
            "1"
        } else {
            graduation_reply(st.question_id.as_deref().expect("a question"), &st.step)
        };
        reply = wx.say(user, text).await;
        assert!(
            !reply.content.contains("请回复") || !reply.content.starts_with("抱歉"),
            "{reply:?}"
        );
    }
    panic!("the questionnaire never ended: {reply:?}");
}

storage_test! {
    async fn safe_mode_vectors_through_the_webhook(t) {
        // W2 of MESSAGING.md: wechatpy's encrypted message, at its own time.
        let app = ChatApp::at(&t, chrono::DateTime::from_timestamp(1411525903, 0).unwrap()).await;
        let wx = Wx::new(&app);
        const W2: &str = "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=";
        let reply = wx
            .post_envelope("1411525903", "461056294", W2, Some("74d92dfeb87ba7c714f89d98870ae5eb62dff26d"))
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(reply.to, "messense");
        assert!(reply.content.contains("邀请码"), "greeting asks for the code: {reply:?}");
        // The same ciphertext under a wrong msg_signature is refused and changes nothing.
        let bad = wx
            .post_envelope("1411525903", "461056295", W2, Some("74d92dfeb87ba7c714f89d98870ae5eb62dff26d"))
            .await;
        assert_eq!(bad.status, 403);
        // URL verification: the official OA form (plain signature, echostr echoed).
        let sig = wechat::signature(&[WX_TOKEN, "1411525903", "1514711492"]);
        let (status, body) = app
            .call(Method::GET, &format!("/webhooks/wechat?signature={sig}&echostr=4375120948345356249&timestamp=1411525903&nonce=1514711492"), &[], vec![])
            .await;
        assert_eq!((status, body.as_slice()), (200, b"4375120948345356249".as_slice()));
        let (status, _) = app
            .call(Method::GET, "/webhooks/wechat?signature=f21891de399b4e33a1a93c9a7b8a8fffb5a443fe&echostr=1&timestamp=1411525903&nonce=test", &[], vec![])
            .await;
        assert_eq!(status, 403);
    }
}

storage_test! {
    async fn a_whole_graduation_questionnaire_over_wechat(t) {
        let app = ChatApp::new(&t).await;
        let (invs, _) = app.invited(1).await;
        let wx = Wx::new(&app);
        let greeting = wx.say("oGRAD1", "你好").await;
        assert!(greeting.content.contains("邀请码"), "{greeting:?}");
        // The code as people type it: lower case, with the dash.
        let code = invs[0].code.clone();
        let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
        let notice = wx.say("oGRAD1", &typed).await;
        assert!(notice.content.contains("测试同学1"), "{notice:?}");
        assert!(notice.content.contains("https://survey.example.edu/s/"), "{notice:?}");
        assert!(notice.content.contains("1. 同意并开始"), "{notice:?}");
        // A reply that is not an answer gets the validation message and the question again.
        let first = wx.say("oGRAD1", "同意").await;
        assert!(first.content.contains("（1/"), "{first:?}");
        let wrong = wx.say("oGRAD1", "99").await;
        assert!(wrong.content.contains("没有") || wrong.content.contains("99"), "{wrong:?}");
        assert!(wrong.content.contains("（1/"), "{wrong:?}");
        let last = answer_all(&wx, "oGRAD1", wrong).await;
        assert!(last.content.contains("感谢"), "{last:?}");
        assert_graduation_stored(&app.answers(invs[0].id).await);
        let r = app.response(invs[0].id).await.unwrap();
        assert_eq!(r.status, "complete");
        assert_eq!(r.channels, "wechat");
        assert_eq!(r.consent_channel.as_deref(), Some("wechat"));
        // Bound by code; nothing went out through the customer-service API (passive replies).
        let b = chat_binding::Entity::find().all(&app.app.state.db).await.unwrap();
        assert_eq!((b.len(), b[0].bound_by.as_str(), b[0].invitation_id), (1, "code", invs[0].id));
        assert!(app.api.to("/cgi-bin/message/custom/send").is_empty());
        // Afterwards: nothing open any more.
        let after = wx.say("oGRAD1", "在吗").await;
        assert!(after.content.contains("邀请码"), "{after:?}");
    }
}

storage_test! {
    async fn retries_wrong_signatures_unbound_users_and_wrong_codes(t) {
        let app = ChatApp::new(&t).await;
        let (invs, _) = app.invited(1).await;
        let wx = Wx::new(&app);
        let code = invs[0].code.clone();
        wx.say("oR", &code).await;
        wx.say("oR", "1").await;
        // The same MsgId twice (WeChat's retry): one answer, and the retry still gets a reply.
        let (xml, _) = wx.text_xml("oR", "2");
        let a = wx.post(&xml).await;
        let rev = app.response(invs[0].id).await.unwrap().revision;
        let b = wx.post(&xml).await;
        assert_eq!((a.status, b.status), (200, 200));
        assert_eq!(app.response(invs[0].id).await.unwrap().revision, rev);
        assert_eq!(a.content.contains("（2/"), b.content.contains("（2/"));
        assert_eq!(app.answers(invs[0].id).await.len(), 1);
        // A wrong signature: refused, nothing changes.
        let (xml, _) = wx.text_xml("oR", "2025-06");
        let enc = wx.key.encrypt(xml.as_bytes(), WX_APP_ID, rand::random());
        let ts = app.now_ts().to_string();
        let forged = wx.post_envelope(&ts, "n1", &enc, Some("0000000000000000000000000000000000000000")).await;
        assert_eq!(forged.status, 403);
        // A stale timestamp (a replay an hour later): refused.
        let old = (app.now_ts() - 3600).to_string();
        let stale = wx.post_envelope(&old, "n2", &enc, None).await;
        assert_eq!(stale.status, 403);
        // Malformed XML: refused.
        let (status, _) = app.call(Method::POST, &format!("/webhooks/wechat?signature={}&timestamp={ts}&nonce=n3&encrypt_type=aes&msg_signature=x", wechat::signature(&[WX_TOKEN, &ts, "n3"])), &[], b"<xml><Encrypt>".to_vec()).await;
        assert_eq!(status, 400);
        assert_eq!(app.answers(invs[0].id).await.len(), 1);
        // An unbound user gets the greeting; wrong codes are refused, then locked out.
        let hello = wx.say("oStranger", "hello").await;
        assert!(hello.content.contains("邀请码"));
        let wrong = wx.say("oStranger", "ABCD-EFGH").await;
        assert!(wrong.content.contains("未找到"), "{wrong:?}");
        for _ in 0..12 {
            wx.say("oStranger", "ZZZZ-ZZZZ").await;
        }
        let locked = wx.say("oStranger", &code).await;
        assert!(locked.content.contains("错误次数过多"), "{locked:?}");
        assert!(app.state("wechat", "oStranger").await.unwrap().invitation_id.is_none());
        assert_eq!(chat_binding::Entity::find().count(&app.app.state.db).await.unwrap(), 1);
    }
}

storage_test! {
    async fn qr_scene_and_roster_openid_bind_and_stop_ends_reminders(t) {
        let app = ChatApp::new(&t).await;
        let (invs, _) = app.invited(2).await;
        let wx = Wx::new(&app);
        // Following through a parametrised QR code: the scene carries the code.
        let code = invs[0].code.clone();
        let ts = app.now_ts();
        let r = wx.post(&event_xml("oQR", "subscribe", Some(&format!("qrscene_{code}")), ts)).await;
        assert!(r.content.contains("同意并开始"), "{r:?}");
        assert_eq!(app.state("wechat", "oQR").await.unwrap().invitation_id, Some(invs[0].id));
        // A known OpenID on the roster is recognised at the first message.
        let g = graduate::Entity::find_by_id(invs[1].graduate_id.unwrap()).one(&app.app.state.db).await.unwrap().unwrap();
        let mut g = g.into_active_model();
        g.wechat_openid = Set(Some("oROSTER".into()));
        g.update(&app.app.state.db).await.unwrap();
        let r = wx.say("oROSTER", "你好").await;
        assert!(r.content.contains("同意并开始"), "{r:?}");
        let r = wx.say("oROSTER", "1").await;
        assert!(r.content.contains("（1/"), "{r:?}");
        // Reminders go to the bound chat user.
        use gradtrace::remind::sender::bot::Bindings;
        let bound = gradtrace::bot::store::ChatBindings
            .bound(&app.app.state.db, &[invs[0].graduate_id.unwrap(), invs[1].graduate_id.unwrap()])
            .await
            .unwrap();
        assert_eq!(bound.len(), 2);
        // Stop, confirmed: opted out, and no more bot reminders.
        let ask = wx.say("oROSTER", "退订").await;
        assert!(ask.content.contains("确定要退出"), "{ask:?}");
        let done = wx.say("oROSTER", "是").await;
        assert!(done.content.contains("已为您退出"), "{done:?}");
        assert_eq!(app.response(invs[1].id).await.unwrap().status, "opted_out");
        let bound = gradtrace::bot::store::ChatBindings
            .bound(&app.app.state.db, &[invs[1].graduate_id.unwrap()])
            .await
            .unwrap();
        assert!(bound.is_empty());
        // Stop, then "no": nothing changes.
        wx.say("oQR", "1").await;
        wx.say("oQR", "stop").await;
        let kept = wx.say("oQR", "否").await;
        assert!(kept.content.contains("我们继续") && kept.content.contains("（1/"), "{kept:?}");
        assert_eq!(app.response(invs[0].id).await.unwrap().status, "consented");
    }
}

storage_test! {
    async fn bot_to_web_to_bot_hand_over(t) {
        let app = ChatApp::new(&t).await;
        let (invs, w) = app.invited(1).await;
        let wx = Wx::new(&app);
        wx.say("oH", &invs[0].code.clone()).await;
        wx.say("oH", "1").await;
        wx.say("oH", "1").await;
        // The web link from the bot's `web` command opens the same response where it stands.
        let web = wx.say("oH", "网页").await;
        let link = app.app.link(&w, invs[0].graduate_id.unwrap()).await;
        assert!(web.content.contains(&link), "{web:?}");
        wx.say("oH", "2025年6月").await;
        let mut client = app.app.client();
        let (path, page) = client.open(&link).await;
        assert!(path.ends_with("/p/job"), "{path}");
        let csrf = page.input("_csrf").unwrap();
        let rev = page.input("_rev").unwrap();
        let resp = client
            .post(&path, &[
                ("_csrf", csrf.as_str()), ("_rev", rev.as_str()), ("_nav", "next"),
                ("employer_name", "星河科技有限公司"), ("employer_type", "private"),
                ("grassroots_programme", "none"), ("industry", "i"),
                ("work_region__province", "44"), ("work_region__city", "4403"),
                ("agreement_signed", "yes"), ("monthly_salary", "12000"),
                ("major_match", "4"), ("job_satisfaction", "4"),
            ])
            .await;
        assert_eq!(resp.status.as_u16(), 303, "{}", resp.body);
        // Back in the chat: the web's answers are there, the bot asks what is left.
        let next = wx.say("oH", "你好").await;
        let st = app.state("wechat", "oH").await.unwrap();
        assert_eq!(st.question_id.as_deref(), Some("job_search_months"), "{next:?}");
        let a = app.answers(invs[0].id).await;
        assert_eq!(a["destination_type"], Answer::choice("employed"));
        assert_eq!(a["monthly_salary"], Answer::Number(12000.0));
        let r = app.response(invs[0].id).await.unwrap();
        assert_eq!(r.channels, "wechat,web");
        // And the bot's next answer keeps the web's.
        wx.say("oH", "3").await;
        let a = app.answers(invs[0].id).await;
        assert_eq!(a["job_search_months"], Answer::Number(3.0));
        assert_eq!(a["employer_name"], Answer::text("星河科技有限公司"));
    }
}

storage_test! {
    async fn concurrent_messages_from_one_user_are_both_kept(t) {
        let app = ChatApp::new(&t).await;
        let (invs, _) = app.invited(1).await;
        let wx = Wx::new(&app);
        wx.say("oC", &invs[0].code.clone()).await;
        wx.say("oC", "1").await;
        for reply in ["1", "2025-06", "甲乙科技有限公司"] {
            wx.say("oC", reply).await;
        }
        // employer_type and grassroots_programme both come next; send two answers at once.
        let (x1, _) = wx.text_xml("oC", "2");
        let (x2, _) = wx.text_xml("oC", "3");
        let (a, b) = tokio::join!(wx.post(&x1), wx.post(&x2));
        assert_eq!((a.status, b.status), (200, 200));
        let answers = app.answers(invs[0].id).await;
        let mut got = [answers["employer_type"].clone(), answers["grassroots_programme"].clone()];
        got.sort_by_key(|a| format!("{a:?}"));
        assert_eq!(answers.len(), 5, "{answers:?}");
        assert!(matches!(&answers["employer_type"], Answer::Choice { .. }));
        assert!(matches!(&answers["grassroots_programme"], Answer::Choice { .. }));
        let r = app.response(invs[0].id).await.unwrap();
        assert_eq!(response::Entity::find().count(&app.app.state.db).await.unwrap(), 1);
        assert_eq!(r.status, "partial");
    }
}

storage_test! {
    async fn a_failed_event_keeps_nothing_and_its_retry_is_handled_afresh(t) {
        use sea_orm::ConnectionTrait;
        let app = ChatApp::new(&t).await;
        // On SQLite the event's first reads go to reader connections beside the writer.
        assert_eq!(app.app.state.reader.is_some(), t.schema.is_none());
        let (invs, _) = app.invited(1).await;
        let wx = Wx::new(&app);
        wx.say("oF", &invs[0].code).await;
        wx.say("oF", "1").await;
        let before = app.response(invs[0].id).await.unwrap().revision;
        // The user's state cannot be written: the event fails after its answer was saved.
        let db = &app.app.state.db;
        let (fail, heal) = if t.schema.is_some() {
            ("CREATE FUNCTION gt_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'state refused'; END $$ LANGUAGE plpgsql; \
              CREATE TRIGGER gt_fail BEFORE UPDATE ON chat_state FOR EACH ROW EXECUTE FUNCTION gt_fail()",
             "DROP TRIGGER gt_fail ON chat_state")
        } else {
            ("CREATE TRIGGER gt_fail BEFORE UPDATE ON chat_state BEGIN SELECT RAISE(ABORT, 'state refused'); END",
             "DROP TRIGGER gt_fail")
        };
        db.execute_unprepared(fail).await.expect("trigger");
        let (xml, _) = wx.text_xml("oF", "2");
        let failed = wx.post(&xml).await;
        assert_eq!(failed.status, 500);
        // Nothing of it was kept: no answer, no new revision, no de-duplication row.
        assert!(app.answers(invs[0].id).await.is_empty());
        assert_eq!(app.response(invs[0].id).await.unwrap().revision, before);
        db.execute_unprepared(heal).await.expect("drop trigger");
        // WeChat's retry of the same MsgId is handled as new: the answer is saved once.
        let retried = wx.post(&xml).await;
        assert_eq!(retried.status, 200);
        assert!(retried.content.contains("（2/"), "{retried:?}");
        assert_eq!(app.answers(invs[0].id).await.len(), 1);
        assert_eq!(app.response(invs[0].id).await.unwrap().revision, before + 1);
    }
}

storage_test! {
    async fn a_wave_closed_between_two_messages_takes_no_more_answers(t) {
        use gradtrace::clock::Clock;
        let app = ChatApp::new(&t).await;
        let (invs, w) = app.invited(1).await;
        let wx = Wx::new(&app);
        wx.say("oW", &invs[0].code.clone()).await;
        wx.say("oW", "1").await;
        wx.say("oW", "1").await;
        wx.say("oW", "2025年6月").await;
        assert_eq!(app.answers(invs[0].id).await.len(), 2);
        // The office closes the wave between two messages; the bot still holds what it read
        // for the last one, and must not take the next answer on its word.
        let mut closing = w.into_active_model();
        closing.closes_at = Set(Some(app.app.clock.now() - chrono::Duration::minutes(1)));
        closing.update(&app.app.state.db).await.expect("close the wave");
        let reply = wx.say("oW", "深圳某科技有限公司").await;
        assert_eq!(app.answers(invs[0].id).await.len(), 2, "{reply:?}");
        // Nothing left to answer: the greeting, not the next question.
        assert!(reply.content.contains("邀请码"), "{reply:?}");
        let st = app.state("wechat", "oW").await.expect("state");
        assert_eq!(st.invitation_id, None);
    }
}
