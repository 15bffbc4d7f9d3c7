; corpus/history/2.6.24-5.12-x86/i386-ident_64-nop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x97 (bvsub ESP (_ bv4 32))))
(let ((?x752 (bvadd ?x97 (_ bv4 32))))
(let (($x35 (and (distinct ?x752 ESP) true)))
(let (($x385 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x489 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x486 (= TF (_ bv0 1))))
(let (($x180 (= VM (_ bv0 1))))
(let (($x574 (= DF (_ bv0 1))))
(and $x574 $x180 $x486 $x489 (or $x385 $x35)))))))))))
(check-sat)
