-- MariaDB dump of the t3monitoring client table (columns trimmed to what matters here)
-- read by   sitewarden sites import examples/migrate/t3monitoring-clients.sql

/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `tx_t3monitoring_domain_model_client`;
CREATE TABLE `tx_t3monitoring_domain_model_client` (
  `uid` int(11) NOT NULL AUTO_INCREMENT,
  `pid` int(11) NOT NULL DEFAULT 0,
  `title` varchar(255) NOT NULL DEFAULT '',
  `domain` varchar(255) NOT NULL DEFAULT '',
  `basic_auth_username` varchar(255) NOT NULL DEFAULT '',
  `basic_auth_password` varchar(255) NOT NULL DEFAULT '',
  `host_header` varchar(255) NOT NULL DEFAULT '',
  `force_ip_resolve` enum('','v4','v6') NOT NULL DEFAULT '',
  `ignore_cert_errors` tinyint(4) unsigned NOT NULL DEFAULT 0,
  `secret` varchar(255) NOT NULL DEFAULT '',
  `email` varchar(255) NOT NULL DEFAULT '',
  `error_message` text NOT NULL DEFAULT '',
  `sla` int(11) unsigned DEFAULT 0,
  `tag` tinytext DEFAULT NULL,
  `deleted` tinyint(4) unsigned NOT NULL DEFAULT 0,
  `hidden` tinyint(4) unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (`uid`),
  KEY `parent` (`pid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `tx_t3monitoring_domain_model_client` WRITE;
INSERT INTO `tx_t3monitoring_domain_model_client` VALUES
(1,0,'Müller & Söhne','https://www.mueller-soehne.example','','','','',0,'ms-client-secret-0001','it@mueller-soehne.example','',1,'4',0,0),
(2,0,'O\'Brien Pub','https://obrien.example','guest','Pub-pass-\'quoted\'-9','','v6',1,'obrien-secret-0002','','Could not connect; (timeout)',2,NULL,0,0),
(3,0,'Gone Site','https://gone.example','','','','',0,'gone-secret-0003','','',0,NULL,1,0);
UNLOCK TABLES;
INSERT INTO `tx_t3monitoring_domain_model_sla` (`uid`, `title`) VALUES (1, 'Gold'), (2, 'Silver');
INSERT INTO `tx_t3monitoring_domain_model_tag` (`uid`, `title`) VALUES (4, 'Relaunch 2026');
