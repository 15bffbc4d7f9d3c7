; corpus/history/2.6.22-i386/2.6.22-i386-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x351 (bvsub ESP (_ bv4 32))))
(let ((?x289 (bvadd ?x351 (_ bv4 32))))
(let (($x389 (and (distinct ?x289 ESP) true)))
(let (($x242 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x194 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x54 (= TF (_ bv0 1))))
(let (($x186 (= VM (_ bv0 1))))
(let (($x6 (= DF (_ bv0 1))))
(and $x6 $x186 $x54 $x194 (or $x242 $x389)))))))))))
(check-sat)
