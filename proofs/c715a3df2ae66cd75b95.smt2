; corpus/history/2.6.24-5.12-x86/i386-ident_64-nop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x465 (bvsub ESP (_ bv4 32))))
(let ((?x745 (bvadd ?x465 (_ bv4 32))))
(let (($x18 (and (distinct ?x745 ESP) true)))
(let (($x908 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x32 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x850 (= TF (_ bv0 1))))
(let (($x676 (= VM (_ bv0 1))))
(let (($x77 (= DF (_ bv0 1))))
(and $x77 $x676 $x850 $x32 (or $x908 $x18)))))))))))
(check-sat)
