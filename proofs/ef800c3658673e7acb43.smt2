; corpus/equivalent/i386-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x11 (bvsub ESP (_ bv4 32))))
(let ((?x27 (bvadd ?x11 (_ bv4 32))))
(let (($x24 (and (distinct ?x27 ESP) true)))
(let (($x54 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x77 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x6 (= TF (_ bv0 1))))
(let (($x58 (= VM (_ bv0 1))))
(let (($x44 (= DF (_ bv0 1))))
(and $x44 $x58 $x6 $x77 (or $x54 $x24)))))))))))
(check-sat)
